// Templates whose contents look like code, comments and documentation.

const string MARKER = "#";

string payload = string `{"a": {"b": ${ {c: 1}["c"].toString() }}} // not a comment`;

string nested = string `outer ${ string `inner ${ string `deepest ${ {x: "}"}["x"] }` } }` } end`;

# Documented after a multi-line template.
string multi = string `line one
# this is not documentation
// and this is not a comment
    ${ (function () returns string {
        // a real comment inside an interpolation
        return "{";
    })() }
last line`;

xml doc = xml `<root attr="${MARKER}"><!-- ${ "}" } --><item>{ # }</item></root>`;

string:RegExp pattern = re `[a-z]+#\d{2,3}`;

byte[] data = base64 `SGVsbG8=`;

function render(map<string> vars) returns string {
    string s = string `${ vars["a"] ?: "}" }`;
    return string `result: ${ s } ${ vars.length() > 0 ? "{" : "}" } #not-doc`;
}

# Still attached to `after`, not swallowed by a template.
public function after() returns string => string `${ "`" }`;
