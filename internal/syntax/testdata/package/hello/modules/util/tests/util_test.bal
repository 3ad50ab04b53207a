import ballerina/log;
import ballerina/test;
import ballerina/time;

@test:Config {}
function testCapitalize() {
    log:printInfo(time:utcToString(time:utcNow()));
    test:assertEquals(capitalize("abc"), "Abc");
}
