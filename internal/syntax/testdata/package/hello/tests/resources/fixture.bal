this is not Ballerina {{{ (
