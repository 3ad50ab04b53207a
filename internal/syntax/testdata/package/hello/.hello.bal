editor backup {{{
