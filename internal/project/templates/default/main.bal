import ballerina/io;

// The entry point of the program: it greets the world.
public function main() {
    io:println("Hello, World!");
}
