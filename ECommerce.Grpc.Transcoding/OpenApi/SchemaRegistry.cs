using System.Text.Json.Nodes;
using Google.Protobuf.Reflection;

namespace ECommerce.Grpc.Transcoding.OpenApi;

/// <summary>Component schemas for messages and enums, keyed by full proto name, in the proto3 JSON mapping.</summary>
internal sealed class SchemaRegistry
{
    public JsonObject Components { get; } = new();

    public static JsonObject ComponentReference(string name) => new() { ["$ref"] = "#/components/schemas/" + name };

    /// <summary>A schema for a message: inline for well-known types with a JSON shape of their own, else a $ref.</summary>
    public JsonObject Reference(MessageDescriptor message)
    {
        if (WellKnown(message) is { } inline)
        {
            return inline;
        }
        if (!Components.ContainsKey(message.FullName))
        {
            // Registered before its fields are described so recursive messages end in a $ref, not a loop.
            var properties = new JsonObject();
            Components[message.FullName] = new JsonObject
            {
                ["type"] = "object",
                ["description"] = message.FullName,
                ["properties"] = properties,
            };
            foreach (var field in message.Fields.InDeclarationOrder())
            {
                properties[field.JsonName] = ForField(field);
            }
        }
        return ComponentReference(message.FullName);
    }

    public JsonObject ForField(FieldDescriptor field)
    {
        if (field.IsMap)
        {
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = ForSingle(field.MessageType.FindFieldByNumber(2)) };
        }
        return field.IsRepeated ? new JsonObject { ["type"] = "array", ["items"] = ForSingle(field) } : ForSingle(field);
    }

    private JsonObject ForSingle(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Message or FieldType.Group => Reference(field.MessageType),
        FieldType.Enum => EnumReference(field.EnumType),
        _ => ScalarOrWellKnown(field)!,
    };

    private JsonObject EnumReference(EnumDescriptor enumType)
    {
        Components[enumType.FullName] ??= EnumSchema(enumType);
        return ComponentReference(enumType.FullName);
    }

    private static JsonObject EnumSchema(EnumDescriptor enumType) => new()
    {
        ["type"] = "string",
        ["description"] = $"{enumType.FullName}; the number is accepted on input too.",
        ["enum"] = new JsonArray([.. enumType.Values.Select(value => JsonValue.Create(value.Name))]),
    };

    /// <summary>The schema of a scalar field, or of a message field whose type is a scalar-like well-known type; null otherwise.</summary>
    public static JsonObject? ScalarOrWellKnown(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Message => WellKnown(field.MessageType),
        FieldType.Enum => EnumSchema(field.EnumType),
        var scalar => Scalar(scalar),
    };

    private static JsonObject Scalar(FieldType type) => type switch
    {
        FieldType.Double => Typed("number", "double"),
        FieldType.Float => Typed("number", "float"),
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => Typed("integer", "int32"),
        FieldType.UInt32 or FieldType.Fixed32 => new JsonObject { ["type"] = "integer", ["format"] = "int64", ["minimum"] = 0, ["maximum"] = uint.MaxValue },
        // proto3 JSON writes 64-bit integers as strings: JavaScript numbers cannot hold them exactly.
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => Typed("string", "int64"),
        FieldType.UInt64 or FieldType.Fixed64 => Typed("string", "uint64"),
        FieldType.Bool => Typed("boolean", null),
        FieldType.Bytes => Typed("string", "byte"),
        _ => Typed("string", null),
    };

    private static JsonObject? WellKnown(MessageDescriptor message) => message.FullName switch
    {
        "google.protobuf.Timestamp" => Typed("string", "date-time"),
        "google.protobuf.Duration" => Described(Typed("string", null), "Seconds with an 's' suffix, e.g. \"1.5s\"."),
        "google.protobuf.FieldMask" => Described(Typed("string", null), "Comma-separated lowerCamelCase field paths."),
        "google.protobuf.Empty" => new JsonObject { ["type"] = "object" },
        "google.protobuf.Struct" => new JsonObject { ["type"] = "object", ["additionalProperties"] = true },
        "google.protobuf.Value" => Described(new JsonObject(), "Any JSON value."),
        "google.protobuf.ListValue" => new JsonObject { ["type"] = "array", ["items"] = new JsonObject() },
        "google.protobuf.Any" => OpenApiDocumentBuilder.AnySchema(),
        "google.protobuf.DoubleValue" => Nullable(Scalar(FieldType.Double)),
        "google.protobuf.FloatValue" => Nullable(Scalar(FieldType.Float)),
        "google.protobuf.Int64Value" => Nullable(Scalar(FieldType.Int64)),
        "google.protobuf.UInt64Value" => Nullable(Scalar(FieldType.UInt64)),
        "google.protobuf.Int32Value" => Nullable(Scalar(FieldType.Int32)),
        "google.protobuf.UInt32Value" => Nullable(Scalar(FieldType.UInt32)),
        "google.protobuf.BoolValue" => Nullable(Scalar(FieldType.Bool)),
        "google.protobuf.StringValue" => Nullable(Scalar(FieldType.String)),
        "google.protobuf.BytesValue" => Nullable(Scalar(FieldType.Bytes)),
        _ => null,
    };

    private static JsonObject Typed(string type, string? format)
    {
        var schema = new JsonObject { ["type"] = type };
        if (format is not null)
        {
            schema["format"] = format;
        }
        return schema;
    }

    private static JsonObject Nullable(JsonObject schema)
    {
        schema["nullable"] = true;
        return schema;
    }

    private static JsonObject Described(JsonObject schema, string description)
    {
        schema["description"] = description;
        return schema;
    }
}
