# doc with BOM
int a = 1;

  # indented docint b = `x
y`;