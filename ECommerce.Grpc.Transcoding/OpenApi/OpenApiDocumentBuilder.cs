using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ECommerce.Grpc.Transcoding.Bindings;
using ECommerce.Grpc.Transcoding.Gateway;
using Google.Protobuf.Reflection;

namespace ECommerce.Grpc.Transcoding.OpenApi;

/// <summary>
/// Builds an OpenAPI 3.0.3 document from google.api.http bindings: one operation per binding, path and query
/// parameters, request and response bodies, and a component schema per message and enum in the proto3 JSON
/// mapping (lowerCamelCase names, 64-bit integers as strings, Timestamp as date-time, wrappers nullable).
/// </summary>
public static partial class OpenApiDocumentBuilder
{
    public const string OpenApiVersion = "3.0.3";
    private const string StatusSchema = "google.rpc.Status";
    // Query parameters are offered for nested message fields up to this depth; deeper input belongs in a body.
    private const int MaxQueryDepth = 4;

    public static JsonObject Build(IEnumerable<HttpBinding> bindings, string title, string version)
    {
        var schemas = new SchemaRegistry();
        var paths = new JsonObject();
        // OpenAPI treats paths that differ only in parameter names as the same path, so every binding with the
        // same route shape shares the parameter names of the first one (each operation says which field they set).
        var pathsByShape = new Dictionary<string, (string Path, List<string> ParameterNames)>();
        foreach (var binding in bindings.Where(binding => !binding.Method.IsClientStreaming))
        {
            var (path, pathParameters) = OpenApiPath(binding);
            var shape = ParameterName().Replace(path, "{}");
            if (pathsByShape.TryGetValue(shape, out var first))
            {
                path = first.Path;
                for (var index = 0; index < pathParameters.Count; index++)
                {
                    pathParameters[index]["name"] = first.ParameterNames[index];
                }
            }
            else
            {
                pathsByShape[shape] = (path, pathParameters.Select(parameter => (string)parameter["name"]!).ToList());
            }

            var pathItem = paths[path] as JsonObject ?? new JsonObject();
            paths[path] = pathItem;
            var operationKey = binding.HttpMethod.ToLowerInvariant();
            if (!pathItem.ContainsKey(operationKey))
            {
                pathItem[operationKey] = Operation(binding, pathParameters, schemas);
            }
        }

        schemas.Components[StatusSchema] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "The error model (google.rpc.Status): gRPC code, message and typed details.",
            ["properties"] = new JsonObject
            {
                ["code"] = new JsonObject { ["type"] = "integer", ["format"] = "int32", ["description"] = "google.rpc.Code value." },
                ["message"] = new JsonObject { ["type"] = "string" },
                ["details"] = new JsonObject { ["type"] = "array", ["items"] = AnySchema() },
            },
        };

        return new JsonObject
        {
            ["openapi"] = OpenApiVersion,
            ["info"] = new JsonObject { ["title"] = title, ["version"] = version },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas.Components },
        };
    }

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex ParameterName();

    private static JsonObject Operation(HttpBinding binding, List<JsonObject> pathParameters, SchemaRegistry schemas)
    {
        var method = binding.Method;
        var operation = new JsonObject
        {
            ["operationId"] = $"{method.Service.Name}_{method.Name}" + (binding.Index == 0 ? "" : $"_{binding.Index + 1}"),
            ["tags"] = new JsonArray(method.Service.Name),
            ["description"] = $"Transcoded to gRPC {method.Service.FullName}/{method.Name}.",
        };

        var parameters = new JsonArray([.. pathParameters, .. QueryParameters(binding)]);
        if (parameters.Count > 0)
        {
            operation["parameters"] = parameters;
        }

        if (binding.HasBody)
        {
            var bodySchema = binding.BodyField is null ? schemas.Reference(method.InputType) : schemas.ForField(binding.BodyField);
            operation["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = bodySchema } },
            };
        }

        var responseSchema = binding.ResponseBodyField is null ? schemas.Reference(method.OutputType) : schemas.ForField(binding.ResponseBodyField);
        operation["responses"] = new JsonObject
        {
            ["200"] = new JsonObject
            {
                ["description"] = binding.IsServerStreaming
                    ? "A stream of messages as newline-delimited JSON: one object per line; a failure after the first line arrives as a google.rpc.Status line."
                    : "OK",
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = responseSchema } },
            },
            ["default"] = new JsonObject
            {
                ["description"] = "A failure: the HTTP status is mapped from the gRPC code.",
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = SchemaRegistry.ComponentReference(StatusSchema) } },
            },
        };
        return operation;
    }

    /// <summary>
    /// The OpenAPI path and its path parameters. A variable spanning several segments (<c>{name=shelves/*/books/*}</c>)
    /// becomes one parameter per wildcard (<c>/shelves/{name_shelves}/books/{name_books}</c>) so OpenAPI tools, which
    /// percent-encode '/' inside a parameter, still build URLs the route matches.
    /// </summary>
    private static (string Path, List<JsonObject> Parameters) OpenApiPath(HttpBinding binding)
    {
        var template = binding.Path;
        var parts = new List<string>();
        var parameters = new List<JsonObject>();
        var variableAt = template.Variables.Select((variable, index) => (variable, index)).ToDictionary(pair => pair.variable.StartSegment);
        for (var segment = 0; segment < template.Segments.Count;)
        {
            if (!variableAt.TryGetValue(segment, out var found))
            {
                parts.Add(template.Segments[segment].Literal ?? $"{{segment{segment}}}");
                if (template.Segments[segment].Literal is null)
                {
                    parameters.Add(PathParameter($"segment{segment}", "A segment the route matches but does not bind."));
                }
                segment++;
                continue;
            }

            var (variable, index) = found;
            var field = binding.PathFields[index];
            var single = variable.EndSegment - variable.StartSegment == 1 && template.Segments[segment].Kind != SegmentKind.Literal;
            if (single)
            {
                var parameter = PathParameter(variable.FieldPath, template.Segments[segment].Kind == SegmentKind.DoubleWildcard
                    ? $"The rest of the path, slashes included; sets {field.ProtoName}."
                    : $"Sets {field.ProtoName}.");
                parameter["schema"] = ParameterSchema(field.Leaf);
                parameters.Add(parameter);
                parts.Add($"{{{variable.FieldPath}}}");
            }
            else
            {
                for (var inner = variable.StartSegment; inner < variable.EndSegment; inner++)
                {
                    var piece = template.Segments[inner];
                    if (piece.Kind == SegmentKind.Literal)
                    {
                        parts.Add(piece.Literal!);
                        continue;
                    }
                    var previous = inner > variable.StartSegment ? template.Segments[inner - 1].Literal : null;
                    var name = $"{variable.FieldPath}_{previous ?? (inner - variable.StartSegment).ToString()}";
                    parameters.Add(PathParameter(name, $"One segment of {field.ProtoName}, which is the whole path {DescribeVariable(template, variable)}."));
                    parts.Add($"{{{name}}}");
                }
            }
            segment = variable.EndSegment;
        }
        var path = "/" + string.Join('/', parts) + (template.Verb is null ? "" : ":" + template.Verb);
        return (path, parameters);
    }

    private static string DescribeVariable(PathTemplate template, TemplateVariable variable) =>
        string.Join('/', template.Segments.Skip(variable.StartSegment).Take(variable.EndSegment - variable.StartSegment)
            .Select(segment => segment.Kind switch { SegmentKind.Literal => segment.Literal, SegmentKind.Wildcard => "*", _ => "**" }));

    private static JsonObject PathParameter(string name, string description) => new()
    {
        ["name"] = name,
        ["in"] = "path",
        ["required"] = true,
        ["description"] = description,
        ["schema"] = new JsonObject { ["type"] = "string" },
    };

    private static List<JsonObject> QueryParameters(HttpBinding binding)
    {
        if (binding.BodyIsWholeRequest)
        {
            return [];
        }
        var bound = binding.PathFields.Select(path => path.ProtoName).ToHashSet();
        var parameters = new List<JsonObject>();
        AddQueryParameters(binding.Method.InputType, "", "", bound, binding.BodyField, [], parameters);
        return parameters;
    }

    private static void AddQueryParameters(
        MessageDescriptor message, string protoPrefix, string jsonPrefix, HashSet<string> pathBound, FieldDescriptor? bodyField,
        List<MessageDescriptor> enclosing, List<JsonObject> parameters)
    {
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            var protoName = protoPrefix + field.Name;
            if (pathBound.Contains(protoName) || field == bodyField)
            {
                continue;
            }
            if (FieldValueBinder.CanBindFromText(field))
            {
                parameters.Add(new JsonObject
                {
                    ["name"] = jsonPrefix + field.JsonName,
                    ["in"] = "query",
                    ["required"] = false,
                    ["schema"] = field.IsRepeated ? new JsonObject { ["type"] = "array", ["items"] = ParameterSchema(field) } : ParameterSchema(field),
                });
            }
            else if (field.FieldType == FieldType.Message && !field.IsRepeated && !field.IsMap
                     && enclosing.Count < MaxQueryDepth && !enclosing.Contains(field.MessageType))
            {
                AddQueryParameters(field.MessageType, protoName + ".", jsonPrefix + field.JsonName + ".", pathBound, null,
                    [.. enclosing, message], parameters);
            }
        }
    }

    /// <summary>A parameter's schema: only fields <see cref="FieldValueBinder.CanBindFromText"/> accepts get here; enums are inline so each parameter reads on its own.</summary>
    private static JsonObject ParameterSchema(FieldDescriptor field) => SchemaRegistry.ScalarOrWellKnown(field)!;

    internal static JsonObject AnySchema() => new()
    {
        ["type"] = "object",
        ["description"] = "google.protobuf.Any: '@type' names the message; its fields sit beside it.",
        ["properties"] = new JsonObject { ["@type"] = new JsonObject { ["type"] = "string" } },
        ["additionalProperties"] = true,
    };
}
