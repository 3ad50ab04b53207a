not a source file {{{
