# Builds a greeting for a name.
#
# + name - the name to greet, or `()` to greet the whole world
# + return - `Hello, <name>` for a name, `Hello, World!` for `()`
public function hello(string? name) returns string {
    if name is string {
        return string `Hello, ${name}`;
    }
    return "Hello, World!";
}
