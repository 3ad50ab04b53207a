import ballerina/io;
import ballerina/test;

// Runs once, before the first test of the module.
@test:BeforeSuite
function setUpSuite() {
    io:println("I'm the before suite function!");
}

// A name is greeted by name.
@test:Config {}
function testHelloWithName() {
    test:assertEquals(hello("John"), "Hello, John");
}

// Without a name, the whole world is greeted.
@test:Config {}
function testHelloWithoutName() {
    test:assertEquals(hello(()), "Hello, World!");
}

// Runs once, after the last test of the module.
@test:AfterSuite
function tearDownSuite() {
    io:println("I'm the after suite function!");
}
