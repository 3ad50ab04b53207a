import ballerina/io;
import ballerina/test;

// Runs once, before the first test of the module.
@test:BeforeSuite
function setUpSuite() {
    io:println("I'm the before suite function!");
}

// A placeholder: replace it with tests of your own functions.
@test:Config {}
function testPlaceholder() {
    io:println("I'm in test function!");
    test:assertTrue(true, msg = "Failed!");
}

// Runs once, after the last test of the module.
@test:AfterSuite
function tearDownSuite() {
    io:println("I'm the after suite function!");
}
