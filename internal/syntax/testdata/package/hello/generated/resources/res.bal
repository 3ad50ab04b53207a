generated resource {{{
