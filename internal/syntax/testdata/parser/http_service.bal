import ballerina/http;
import ballerina/log;
import ballerina/sql;
import ballerinax/mysql;
import ballerinax/mysql.driver as _;

# An album in the catalogue.
#
# + id - the identifier
# + title - the title
public type Album readonly & record {|
    string id;
    string title;
    string artist;
    decimal price;
|};

type AlbumPage record {
    Album[] albums;
    int total;
    string? next = ();
};

type ErrorBody record {|
    string message;
    *http:BadRequest;
|};

configurable string dbHost = "localhost";
configurable int dbPort = 3306;
configurable string dbUser = ?;
configurable string dbPassword = ?;

final mysql:Client db = check new (host = dbHost, port = dbPort, user = dbUser, password = dbPassword, database = "music");

listener http:Listener apiListener = new (8080, config = {timeout: 30});

@http:ServiceConfig {
    cors: {
        allowOrigins: ["https://example.com"],
        allowMethods: ["GET", "POST"]
    }
}
service /music/v1 on apiListener {

    # Returns a page of albums.
    #
    # + offset - where to start
    # + 'limit - how many
    # + return - a page, or an error
    resource function get albums(int offset = 0, int 'limit = 20) returns AlbumPage|error {
        stream<Album, sql:Error?> s = db->query(`SELECT * FROM albums LIMIT ${'limit} OFFSET ${offset}`);
        Album[] albums = check from Album a in s select a;
        return {albums, total: albums.length()};
    }

    resource function get albums/[string id]() returns Album|http:NotFound {
        Album|sql:Error a = db->queryRow(`SELECT * FROM albums WHERE id = ${id}`);
        if a is Album {
            return a;
        }
        return <http:NotFound>{body: {message: string `album ${id} not found`}};
    }

    resource function post albums(@http:Payload Album album, http:Request req) returns http:Created|ErrorBody|error {
        if album.price < 0d {
            return {body: {message: "negative price"}, message: "bad"};
        }
        _ = check db->execute(`INSERT INTO albums VALUES (${album.id}, ${album.title}, ${album.artist}, ${album.price})`);
        log:printInfo("created", id = album.id);
        return http:CREATED;
    }

    resource function delete albums/[string id]() returns http:NoContent|error {
        _ = check db->execute(`DELETE FROM albums WHERE id = ${id}`);
        return http:NO_CONTENT;
    }

    resource function 'default [string... paths](http:Caller caller) returns error? {
        check caller->respond(<http:NotFound>{});
    }
}
