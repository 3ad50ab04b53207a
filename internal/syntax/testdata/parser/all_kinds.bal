// Copyright (c) 2024 Example Org. Licensed under the Apache License 2.0.
// A module that uses every kind of module-level declaration and member.

import ballerina/http;
import ballerina/lang.'int as ints;
import ballerinax/googleapis.gmail;
import ballerinax/java.jdbc as _;
import utils;

xmlns "http://example.com/orders" as ord;

# Default HTTP port.
public configurable int port = 9090;

# Required secret: no default.
configurable string apiKey = ?;

final string greeting = "Hello";

isolated int requestCount = 0;

var [first, second] = [1, 2];

# Maximum number of items in an order.
public const int MAX_ITEMS = 100;

const DEFAULT_CURRENCY = "USD";

# The state of an order.
#
# # Deprecated
# Use `OrderStatus` instead.
@deprecated
public enum OrderState {
    # Just created.
    NEW,
    SHIPPED = "shipped",
    @display {label: "Done"}
    DELIVERED = "delivered"
}

# An order line.
#
# + sku - the stock-keeping unit
# + quantity - how many
public type Item record {|
    # The SKU.
    readonly string sku;
    @constraint:Int {minValue: 1}
    int quantity = 1;
    decimal price?;
|};

# An order with open fields.
public type Order record {
    *Entity;
    string id;
    Item[] items = [];
    OrderState state = NEW;
    map<string> tags?;
};

# Something with an ID.
public type Entity distinct object {
    # The identifier.
    public string id;
    *Named;
    # Returns a description.
    # + return - the description
    public isolated function describe() returns string;
    remote function refresh(boolean force = false) returns error?;
};

type Id string|int;

type Handler isolated function (Order o) returns error?;

public type Config record {| int retries; decimal timeout; |} & readonly;

# Annotation that marks a service as audited.
public annotation record {| string team; |} Audited on service, class;

const annotation Internal on source function, source type;

# The default listener.
public listener http:Listener ordersListener = new (port, {host: "0.0.0.0"});

# A client for the orders API.
#
# + url - the base URL
public isolated client class OrdersClient {
    *Named;
    private final string url;
    final http:Client httpClient;
    public int timeout = 30;

    # Creates a client.
    #
    # + url - the base URL
    # + return - an error if the URL is invalid
    public isolated function init(string url, *http:ClientConfiguration config) returns error? {
        self.url = url;
        self.httpClient = check new (url, config);
    }

    # Fetches an order.
    #
    # + id - the order ID
    # + return - the order, or an error
    @display {label: "Get order"}
    remote isolated function getOrder(@untainted string id, string... fields) returns record {| string id; Item[] items; |}|error {
        return self.httpClient->get(string `/orders/${id}`);
    }

    resource isolated function get orders/[string id]/items(int 'limit = 10, typedesc<Item> t = <>) returns t[]|error = @java:Method {
        'class: "org.example.Orders",
        name: "items"
    } external;

    private function log(string msg) => ();
}

@Audited {team: "orders"}
public readonly distinct class Money {
    public final decimal amount;
    public final string currency;

    function init(decimal amount, string currency = DEFAULT_CURRENCY) {
        self.amount = amount;
        self.currency = currency;
    }
}

# Adds two amounts.
#
# + a - first amount
# + b - second amount
# + return - the sum
public isolated function add(decimal a, decimal b) returns decimal => a + b;

public function main(string... args) returns error? {
    string body = string `{"count": ${requestCount}} // not a comment
# not documentation ${ {a: "}"}["a"] }`;
    if args.length() > 0 {
        utils:log(body);
    }
}

transactional function commitOrder(Order o) returns map<record {}> {
    return {};
}

function nativeSum(int[] values) returns int = external;

# The orders service.
@http:ServiceConfig {
    cors: {allowOrigins: ["*"]}
}
isolated service /api/orders on ordersListener, new http:Listener(9091) {
    private int served = 0;

    # Lists orders.
    # + return - the orders
    resource function get .() returns Order[] {
        return [];
    }

    resource function post [string id]/items(@http:Payload Item item) returns http:Created|http:BadRequest {
        return http:CREATED;
    }

    resource function get [string... path]() returns string => "catch-all";

    remote function ping() returns string {
        return "pong";
    }

    function helper() {}
}

service "events" on new utils:EventListener() {
    remote function onEvent(json event) {
    }
}
