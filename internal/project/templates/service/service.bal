import ballerina/http;

# Greets callers over HTTP on port 9090.
service / on new http:Listener(9090) {

    # Answers `GET /greeting?name=<name>` with a greeting.
    #
    # + name - the name to greet; it must not be empty
    # + return - the greeting, or an error when the name is empty
    resource function get greeting(string name) returns string|error {
        if name == "" {
            return error("name should not be empty!");
        }
        return string `Hello, ${name}`;
    }
}
