import ballerina/log;
import myorg/hello.strutil;

# Capitalizes the first letter of `s`.
#
# + s - the text
# + return - the text with an upper-case first letter
public function capitalize(string s) returns string {
    log:printDebug("capitalize");
    if s.length() == 0 {
        return s;
    }
    return s.substring(0, 1).toUpperAscii() + strutil:trim(s.substring(1));
}
