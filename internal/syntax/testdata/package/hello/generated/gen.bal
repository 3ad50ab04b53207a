// AUTO-GENERATED FILE.
import ballerina/uuid;

public function newId() returns string => uuid:createType4AsString();
