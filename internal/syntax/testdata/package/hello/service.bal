import ballerina/http;
import ballerina/io as _;
import myorg/hello.strutil;
import otherorg/hello.util as other;
import myorg/helloworld;

service /greet on new http:Listener(9090) {
    resource function get .(string name) returns string {
        return strutil:trim(name) + helloworld:suffix() + other:tag();
    }
}
