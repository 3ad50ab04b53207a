import ballerina/http;
import ballerina/io;
import ballerina/test;

http:Client greetingClient = check new ("http://localhost:9090");

// Runs once, before the first test of the module.
@test:BeforeSuite
function setUpSuite() {
    io:println("I'm the before suite function!");
}

// A name comes back inside the greeting.
@test:Config {}
function testGreetingWithName() returns error? {
    string greeting = check greetingClient->get("/greeting?name=John");
    test:assertEquals(greeting, "Hello, John");
}

// An empty name is refused with a server error.
@test:Config {}
function testGreetingWithEmptyName() returns error? {
    http:Response response = check greetingClient->get("/greeting?name=");
    test:assertEquals(response.statusCode, 500);
    json body = check response.getJsonPayload();
    test:assertEquals(body.message, "name should not be empty!");
}

// Runs once, after the last test of the module.
@test:AfterSuite
function tearDownSuite() {
    io:println("I'm the after suite function!");
}
