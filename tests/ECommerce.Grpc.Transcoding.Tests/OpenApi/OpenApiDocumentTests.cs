using System.Net;
using System.Text.Json.Nodes;
using ECommerce.Grpc.Transcoding.Tests.Hosting;
using Microsoft.OpenApi;

namespace ECommerce.Grpc.Transcoding.Tests.OpenApi;

/// <summary>The OpenAPI document a REST client generator would read, checked against the Bookstore contract.</summary>
public sealed class OpenApiDocumentTests(BookstoreHosts hosts)
{
    private const string Schemas = "#/components/schemas/";

    private async Task<JsonNode> DocumentAsync(RestEdge edge)
    {
        var answer = await hosts.Rest(edge).SendAsync("GET", "/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("application/json", answer.ContentType);
        return answer.Json;
    }

    [Fact]
    public async Task BothEdges_ServeTheSameDocument()
    {
        Assert.True(JsonNode.DeepEquals(await DocumentAsync(RestEdge.InProcess), await DocumentAsync(RestEdge.Gateway)));
    }

    [Fact]
    public async Task Document_ReadsAndValidatesCleanlyInMicrosoftOpenApi()
    {
        var answer = await hosts.GatewayRest.SendAsync("GET", "/openapi/v1.json");

        var read = OpenApiDocument.Parse(answer.Body, "json");

        Assert.Empty(read.Diagnostic!.Errors);
        Assert.Equal(OpenApiSpecVersion.OpenApi3_0, read.Diagnostic.SpecificationVersion);
        var document = read.Document!;
        Assert.Empty(document.Validate(ValidationRuleSet.GetDefaultRuleSet())!);
        var book = document.Components!.Schemas!["ecommerce.transcoding.tests.v1.Book"];
        Assert.Equal(JsonSchemaType.String, book.Properties!["publishedAt"].Type);
        Assert.Equal("date-time", book.Properties!["publishedAt"].Format);
    }

    [Fact]
    public async Task Document_HasAPathAndOperationPerBinding_WithUniqueOperationIds()
    {
        var document = await DocumentAsync(RestEdge.Gateway);

        Assert.Equal("3.0.3", (string)document["openapi"]!);
        Assert.Equal("Bookstore", (string)document["info"]!["title"]!);
        var paths = document["paths"]!.AsObject();
        string[] expected =
        [
            "get /v1/shelves/{shelf_id} Bookstore_GetShelf",
            "get /v1/stores/{store_id}/shelves/{shelf_id} Bookstore_GetShelf_2",
            "get /v1/regions/{segment2}/shelves/{shelf_id} Bookstore_GetShelf_3",
            "get /v1/shelves/{shelf_id}/theme Bookstore_GetShelfTheme",
            "get /v1/shelves/{name_shelves}/books/{name_books} Bookstore_GetBook",
            "patch /v1/shelves/{name_shelves}/books/{name_books} Bookstore_UpdateBook",
            "put /v1/shelves/{name_shelves}/books/{name_books} Bookstore_ReplaceBook",
            "delete /v1/shelves/{name_shelves}/books/{name_books} Bookstore_DeleteBook",
            "get /v1/shelves/{parent_shelves}/books Bookstore_ListBooks",
            "post /v1/shelves/{parent_shelves}/books Bookstore_CreateBook",
            "post /v1/shelves/{name_shelves}/books/{name_books}:archive Bookstore_ArchiveBook",
            "get /v1/files/{path} Bookstore_GetFile",
            "get /v1/whoami Bookstore_WhoAmI",
            "get /v1/failures/{code} Bookstore_Fail",
            "get /v1/shelves/{parent_shelves}/books:stream Bookstore_StreamBooks",
        ];
        var actual = paths.SelectMany(path => path.Value!.AsObject().Select(operation => $"{operation.Key} {path.Key} {operation.Value!["operationId"]}"));
        Assert.Equal(expected.Order(), actual.Order());
        Assert.DoesNotContain("Internal", paths.ToJsonString());
    }

    [Fact]
    public async Task PathParameters_MatchThePlaceholders_AndQueryParametersCoverTheRemainingFields()
    {
        var document = await DocumentAsync(RestEdge.Gateway);

        var listBooks = document["paths"]!["/v1/shelves/{parent_shelves}/books"]!["get"]!;
        var parameters = listBooks["parameters"]!.AsArray().Select(parameter => parameter!).ToList();
        var path = parameters.Single(parameter => (string)parameter["in"]! == "path");
        Assert.Equal("parent_shelves", (string)path["name"]!);
        Assert.True((bool)path["required"]!);
        var query = parameters.Where(parameter => (string)parameter["in"]! == "query").ToDictionary(parameter => (string)parameter["name"]!, parameter => parameter["schema"]!);
        Assert.Equal(["pageSize", "authors", "filter.genre", "filter.minPrice", "filter.publishedAfter", "genres", "includeArchived", "minPages"], query.Keys);
        Assert.Equal("int32", (string)query["pageSize"]["format"]!);
        Assert.Equal("array", (string)query["authors"]["type"]!);
        Assert.Contains("GENRE_FICTION", query["filter.genre"]["enum"]!.AsArray().Select(value => (string)value!));
        Assert.True((bool)query["filter.minPrice"]["nullable"]!);
        Assert.Equal("date-time", (string)query["filter.publishedAfter"]["format"]!);
        Assert.Equal("int64", (string)query["minPages"]["format"]!);
        Assert.Equal("string", (string)query["minPages"]["type"]!);

        var theme = document["paths"]!["/v1/shelves/{shelf_id}/theme"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;
        Assert.Equal("string", (string)theme["type"]!);
        var fail = document["paths"]!["/v1/failures/{code}"]!["get"]!["parameters"]![0]!;
        Assert.Equal("integer", (string)fail["schema"]!["type"]!);
    }

    [Fact]
    public async Task Bodies_ReferenceMessageSchemas_AndErrorsReferenceTheStatusSchema()
    {
        var document = await DocumentAsync(RestEdge.Gateway);
        var paths = document["paths"]!;

        var create = paths["/v1/shelves/{parent_shelves}/books"]!["post"]!;
        Assert.Equal(Schemas + "ecommerce.transcoding.tests.v1.Book", (string)create["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!);
        Assert.Equal(["requestId"], create["parameters"]!.AsArray().Where(parameter => (string)parameter!["in"]! == "query").Select(parameter => (string)parameter!["name"]!));
        var replace = paths["/v1/shelves/{name_shelves}/books/{name_books}"]!["put"]!;
        Assert.Equal(Schemas + "ecommerce.transcoding.tests.v1.ReplaceBookRequest", (string)replace["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!);
        Assert.DoesNotContain(replace["parameters"]!.AsArray(), parameter => (string)parameter!["in"]! == "query");
        Assert.Equal(Schemas + "ecommerce.transcoding.tests.v1.Book", (string)replace["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!);
        Assert.Equal(Schemas + "google.rpc.Status", (string)replace["responses"]!["default"]!["content"]!["application/json"]!["schema"]!["$ref"]!);
        var update = paths["/v1/shelves/{name_shelves}/books/{name_books}"]!["patch"]!;
        var updateMask = update["parameters"]!.AsArray().Single(parameter => (string)parameter!["name"]! == "updateMask")!;
        Assert.Equal("query", (string)updateMask["in"]!);
        Assert.Equal("string", (string)updateMask["schema"]!["type"]!);
    }

    [Fact]
    public async Task Components_DescribeMessagesInTheProto3JsonMapping()
    {
        var document = await DocumentAsync(RestEdge.Gateway);
        var schemas = document["components"]!["schemas"]!;

        var book = schemas["ecommerce.transcoding.tests.v1.Book"]!["properties"]!;
        Assert.Equal("array", (string)book["authors"]!["type"]!);
        Assert.Equal("string", (string)book["authors"]!["items"]!["type"]!);
        Assert.Equal(Schemas + "ecommerce.transcoding.tests.v1.Genre", (string)book["genre"]!["$ref"]!);
        Assert.Equal("date-time", (string)book["publishedAt"]!["format"]!);
        Assert.True((bool)book["price"]!["nullable"]!);
        Assert.Equal("string", (string)book["pageCount"]!["type"]!);
        Assert.Equal("object", (string)book["labels"]!["type"]!);
        Assert.Equal("string", (string)book["labels"]!["additionalProperties"]!["type"]!);
        Assert.Equal("boolean", (string)book["archived"]!["type"]!);

        var genre = schemas["ecommerce.transcoding.tests.v1.Genre"]!;
        Assert.Equal(["GENRE_UNSPECIFIED", "GENRE_FICTION", "GENRE_SCIENCE", "GENRE_HISTORY"], genre["enum"]!.AsArray().Select(value => (string)value!));
        Assert.Equal(Schemas + "ecommerce.transcoding.tests.v1.BookFilter", (string)schemas["ecommerce.transcoding.tests.v1.ListBooksRequest"]!["properties"]!["filter"]!["$ref"]!);
        Assert.Equal("byte", (string)schemas["ecommerce.transcoding.tests.v1.File"]!["properties"]!["content"]!["format"]!);
        Assert.Null(schemas["ecommerce.transcoding.tests.v1.UpdateBookRequest"]);
        Assert.NotNull(schemas["google.rpc.Status"]!["properties"]!["details"]);
    }

    [Fact]
    public async Task EveryReference_PointsAtADefinedSchema()
    {
        var document = await DocumentAsync(RestEdge.Gateway);
        var defined = document["components"]!["schemas"]!.AsObject().Select(schema => Schemas + schema.Key).ToHashSet();

        var references = Descendants(document).OfType<JsonObject>().Where(node => node.ContainsKey("$ref")).Select(node => (string)node["$ref"]!).ToList();

        Assert.NotEmpty(references);
        Assert.All(references, reference => Assert.Contains(reference, defined));
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        var children = node switch
        {
            JsonObject json => json.Select(property => property.Value),
            JsonArray array => array.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>().SelectMany(Descendants))
        {
            yield return child;
        }
    }
}
