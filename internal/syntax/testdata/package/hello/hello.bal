import ballerina/io;
import hello.util;

# Returns a greeting for `name`.
#
# + name - the name to greet, or nil for everyone
# + return - the greeting
public function hello(string? name) returns string {
    if name is () {
        return "Hello, World!";
    }
    return string `Hello, ${util:capitalize(name)}`;
}

public function main() {
    io:println(hello("ballerina"));
}
