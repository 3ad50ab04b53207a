import ballerina/io;
import ballerina/test;

@test:Config {}
function testHello() {
    io:println("testing hello");
    test:assertEquals(hello("john"), "Hello, John");
}
