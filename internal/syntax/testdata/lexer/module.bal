import ballerina/http;
import ballerinax/googleapis.gmail as _;

# A greeting service.
#
# + greeting - the greeting, e.g. "# not a heading"
# # Deprecated
# use `Greeter2` instead
@deprecated
public configurable string greeting = "Hello, \"world\"\t\u{1F600}";

public type Person record {|
    string name;
    int 'type = 0x1F;
    decimal salary = 1.5e3d;
    map<map<int>> scores?;
    Person...;
|};

public isolated function greet(Person p, float ratio = .5) returns string|error {
    // `#` and `//` inside templates are text
    string s = string `${greeting}, ${p.name}! // # ${ {a: 1}["a"].toString() } $ {x}`;
    xml x = xml `<p class="${s}">${ `nested ${1.toString()}` }</p>`;
    int n = 1..<3 is int ? 1 : 0;
    return s + x.toString() + n.toString() + re `[a-z]+ # x`.toString();
}

service /hello on new http:Listener(9090) {
    resource function get [string name]() returns string {
        return greet({name, scores: {}}) ?: "";
    }
}
