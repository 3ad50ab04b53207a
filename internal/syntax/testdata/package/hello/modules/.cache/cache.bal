hidden module {{{
