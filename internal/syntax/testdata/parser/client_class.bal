import ballerina/http;
import ballerina/jballerina.java;

# Connection settings.
#
# + auth - the credentials
# + retries - retry count
public type ConnectionConfig record {|
    *http:ClientConfiguration;
    http:BearerTokenConfig|http:OAuth2RefreshTokenGrantConfig auth;
    int retries = 3;
|};

# A GitHub-like API client.
@display {label: "Repos", iconPath: "icon.png"}
public isolated client class Client {
    final http:Client clientEp;
    private final readonly & map<string> headers;

    # Initialises the client.
    #
    # + config - the connection settings
    # + serviceUrl - the API URL
    # + return - an error on failure
    public isolated function init(ConnectionConfig config, string serviceUrl = "https://api.example.com") returns error? {
        http:ClientConfiguration httpConfig = {auth: config.auth, timeout: config.timeout};
        self.clientEp = check new (serviceUrl, httpConfig);
        self.headers = {"Accept": "application/json"};
    }

    # Gets a repository.
    #
    # + owner - the owner
    # + repo - the repository name
    # + return - the repository summary
    remote isolated function getRepository(string owner, string repo) returns record {| string name; int stars; record {| string login; |} owner; |}|error {
        string path = string `/repos/${owner}/${repo}`;
        return self.clientEp->get(path, self.headers);
    }

    # Lists repositories.
    #
    # + org - the organisation
    # + perPage - page size
    # + return - a stream of repositories
    remote isolated function listRepositories(string org, int perPage = 30, *Paging paging) returns stream<record {| string name; |}, error?>|error {
        record {| string name; |}[] repos = check self.clientEp->get(string `/orgs/${org}/repos?per_page=${perPage}`);
        return repos.toStream();
    }

    remote isolated function createIssue(string owner, string repo, record {| string title; string body?; |} issue) returns map<json>|error {
        return self.clientEp->post(string `/repos/${owner}/${repo}/issues`, issue.toJson());
    }

    resource isolated function get repos/[string owner]/[string repo]/topics() returns string[]|error {
        return [];
    }

    isolated function close() returns error? = @java:Method {
        name: "close",
        'class: "io.example.Client"
    } external;
}

# Paging options.
#
# + page - the page number
public type Paging record {
    int page = 1;
};
