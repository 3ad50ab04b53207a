stale build output {{{
