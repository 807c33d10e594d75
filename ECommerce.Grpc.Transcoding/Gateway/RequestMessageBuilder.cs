using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ECommerce.Grpc.Transcoding.Bindings;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ECommerce.Grpc.Transcoding.Gateway;

/// <summary>
/// Builds a binding's gRPC request message from a REST request with Microsoft's transcoding's precedence:
/// the JSON body, overridden by path variables; query parameters for the fields neither sets.
/// </summary>
internal sealed class RequestMessageBuilder(HttpBinding binding, JsonParser parser)
{
    // Deep enough for real payloads, shallow enough that a hostile body cannot make parsing expensive.
    private const int MaxBodyDepth = 64;

    private readonly HashSet<string> _pathFieldNames = binding.PathFields.Select(field => field.ProtoName).ToHashSet();

    public async Task<IMessage> BuildAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var message = await BuildFromBodyAndQueryAsync(request, cancellationToken);
        for (var index = 0; index < binding.PathFields.Count; index++)
        {
            var value = binding.Path.VariableValue(binding.Path.Variables[index], request.RouteValues);
            FieldValueBinder.Bind(message, binding.PathFields[index], [value], parser, "Path variable");
        }
        return message;
    }

    /// <summary>
    /// The message from the body and the query alone. Query parameters never set a path-bound field, so
    /// path variables can be bound after them and still win over the body.
    /// </summary>
    public async Task<IMessage> BuildFromBodyAndQueryAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var message = binding.HasBody
            ? ParseBody(await ReadJsonBodyAsync(request, cancellationToken))
            : binding.Method.InputType.Parser.ParseFrom(ByteString.Empty);

        if (!binding.BodyIsWholeRequest)
        {
            foreach (var (name, values) in request.Query)
            {
                var path = FieldPath.TryResolve(binding.Method.InputType, name);
                // Unknown names are ignored, as Microsoft's transcoding does, so clients can add tracking parameters;
                // but a nested field's own name without its parent (pageSize for page.pageSize) is a mistake to point out.
                if (path is null && NestedFieldEndingWith(binding.Method.InputType, name, "") is { } meant
                    && FieldPath.TryResolve(binding.Method.InputType, meant) is { } meantPath && IsQueryBindable(meantPath))
                {
                    throw new RequestBindingException(
                        $"Query parameter '{name}' is not a field of {binding.Method.InputType.FullName}; did you mean '{meant}'?");
                }
                if (path is not null && IsQueryBindable(path))
                {
                    FieldValueBinder.Bind(message, path, values.Select(value => value ?? "").ToList(), parser, "Query parameter");
                }
            }
        }
        return message;
    }

    /// <summary>The dotted JSON name of a field inside a singular message field whose own name is <paramref name="name"/>.</summary>
    private static string? NestedFieldEndingWith(MessageDescriptor message, string name, string prefix, int depth = 0)
    {
        if (depth > 0 && (message.FindFieldByName(name) ?? message.Fields.InDeclarationOrder().FirstOrDefault(field => field.JsonName == name)) is { } found)
        {
            return prefix + found.JsonName;
        }
        return depth >= 3 ? null : message.Fields.InDeclarationOrder()
            .Where(field => field.FieldType == FieldType.Message && !field.IsRepeated && !field.IsMap)
            .Select(field => NestedFieldEndingWith(field.MessageType, name, $"{prefix}{field.JsonName}.", depth + 1))
            .FirstOrDefault(meant => meant is not null);
    }

    private bool IsQueryBindable(FieldPath path) =>
        !_pathFieldNames.Any(bound => path.ProtoName == bound || path.ProtoName.StartsWith(bound + ".", StringComparison.Ordinal))
        && path.Fields[0] != binding.BodyField;

    private IMessage ParseBody(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            throw new RequestBindingException($"The request body is empty; expected JSON for {Target()}.");
        }
        try
        {
            if (DuplicateKey(body) is { } duplicate)
            {
                throw new RequestBindingException($"The request body names '{duplicate}' more than once; each field may appear once.");
            }
            var json = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = MaxBodyDepth });
            // body: "field" makes the body one field's value; wrapping it as {"field": body} lets the proto3
            // JSON parser handle every field type (messages, repeated, maps, well-known types) the same way.
            var request = (binding.BodyField, json) switch
            {
                (_, null) => throw new RequestBindingException($"The request body is JSON null; expected JSON for {Target()}."),
                (null, JsonObject whole) => whole,
                (null, _) => throw new RequestBindingException($"The request body must be a JSON object for {Target()}."),
                (var field, _) => new JsonObject { [field.JsonName] = json },
            };
            UnknownJsonFields.Prune(request, binding.Method.InputType);
            return parser.Parse(request.ToJsonString(), binding.Method.InputType);
        }
        catch (Exception parseFailure) when (parseFailure is JsonException or InvalidProtocolBufferException or InvalidJsonException or FormatException or ArgumentException or OverflowException or InvalidOperationException)
        {
            throw new RequestBindingException($"The request body is not valid JSON for {Target()}: {parseFailure.Message}", parseFailure);
        }
    }

    /// <summary>
    /// The dotted path of the first key an object of <paramref name="body"/> repeats. JSON leaves duplicates undefined; taking
    /// the last one silently would let two parsers on a request's path (a proxy, this edge) disagree on what was sent, and
    /// JsonNode fails on them with .NET's own dictionary message. One forward pass with the reader, no tree built.
    /// </summary>
    private static string? DuplicateKey(string body)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(body), new JsonReaderOptions { MaxDepth = MaxBodyDepth });
        var objects = new Stack<(HashSet<string>? Keys, string Path)>();
        var pendingKey = "";
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        objects.Push(([], pendingKey));
                        break;
                    case JsonTokenType.StartArray:
                        objects.Push((null, pendingKey));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        objects.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var (keys, path) = objects.Peek();
                        var name = reader.GetString()!;
                        pendingKey = path.Length == 0 ? name : $"{path}.{name}";
                        if (!keys!.Add(name))
                        {
                            return pendingKey;
                        }
                        continue;
                }
                if (reader.TokenType is not JsonTokenType.PropertyName && objects.TryPeek(out var parent) && parent.Keys is null)
                {
                    pendingKey = parent.Path;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON at all: the parse below says what is wrong with it.
        }
        return null;
    }

    private string Target() => binding.BodyField is null
        ? binding.Method.InputType.FullName
        : $"field '{binding.BodyField.Name}' ({FieldValueBinder.Describe(binding.BodyField)})";

    private static async Task<string> ReadJsonBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !(contentType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                 || contentType.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
        {
            throw new RequestBindingException($"The request body must be JSON with Content-Type application/json, not '{request.ContentType}'.");
        }
        // Left open: in-process validation rewinds the body for Microsoft's transcoding to read it again.
        using var reader = new StreamReader(request.Body, contentType.Encoding ?? Encoding.UTF8, leaveOpen: true);
        return await reader.ReadToEndAsync(cancellationToken);
    }
}
