int a = 012; # trailing hash
string s = "unterminated
string t = "bad \q escape";
int b = 0x;
float c = 1e+;
'  x
a\zb
$ ¤
`template ${ "never" } closed ${
