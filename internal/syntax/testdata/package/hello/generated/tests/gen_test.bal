import ballerina/test;

@test:Config {}
function testNewId() {
    test:assertTrue(newId().length() > 0);
}
