using System.Collections;
using System.Text;
using System.Text.Json;
using ECommerce.Grpc.Transcoding.Bindings;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace ECommerce.Grpc.Transcoding.Gateway;

/// <summary>
/// Sets a field from path or query text. The text goes through the proto3 JSON parser (as the value of a
/// one-field JSON object) so enums by name or number, 64-bit integers, bytes, Timestamp, Duration, FieldMask
/// and wrappers follow exactly the rules the body's JSON follows.
/// </summary>
internal static class FieldValueBinder
{
    private static readonly HashSet<string> ScalarLikeMessages =
    [
        "google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask",
        "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
        "google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
        "google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue",
    ];

    /// <summary>True when a path or query parameter can carry the field: a scalar, enum or scalar-like well-known type.</summary>
    public static bool CanBindFromText(FieldDescriptor field) =>
        !field.IsMap && (field.FieldType != FieldType.Message || ScalarLikeMessages.Contains(field.MessageType.FullName));

    /// <summary>Sets (or, for a repeated field, appends) the leaf of <paramref name="path"/>, creating the messages on the way.</summary>
    public static void Bind(IMessage root, FieldPath path, IReadOnlyList<string> values, JsonParser parser, string parameterKind)
    {
        var leaf = path.Leaf;
        if (!CanBindFromText(leaf))
        {
            throw new RequestBindingException($"{parameterKind} '{path.ProtoName}' cannot be set from text: it is a {Describe(leaf)}; send it in a JSON body.");
        }
        if (!leaf.IsRepeated && values.Count > 1)
        {
            throw new RequestBindingException($"{parameterKind} '{path.ProtoName}' takes one value but was given {values.Count}.");
        }

        var target = root;
        foreach (var field in path.Fields.Take(path.Fields.Count - 1))
        {
            if (field.Accessor.GetValue(target) is not IMessage child)
            {
                child = field.MessageType.Parser.ParseFrom(ByteString.Empty);
                field.Accessor.SetValue(target, child);
            }
            target = child;
        }

        IMessage parsed;
        try
        {
            parsed = parser.Parse(OneFieldJson(leaf, values), target.Descriptor);
        }
        catch (Exception parseFailure) when (parseFailure is InvalidProtocolBufferException or InvalidJsonException or FormatException or ArgumentException or OverflowException)
        {
            throw new RequestBindingException($"{parameterKind} '{path.ProtoName}' has an invalid value for a {Describe(leaf)}: {parseFailure.Message}", parseFailure);
        }

        var value = leaf.Accessor.GetValue(parsed);
        if (leaf.IsRepeated)
        {
            var list = (IList)leaf.Accessor.GetValue(target);
            foreach (var item in (IList)value)
            {
                list.Add(item);
            }
        }
        else
        {
            leaf.Accessor.SetValue(target, value);
        }
    }

    private static string OneFieldJson(FieldDescriptor field, IReadOnlyList<string> values)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName(field.JsonName);
            if (field.IsRepeated)
            {
                writer.WriteStartArray();
            }
            foreach (var value in values)
            {
                WriteToken(writer, field, value);
            }
            if (field.IsRepeated)
            {
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    // The JSON parser wants true/false literals for booleans and numbers for enum numbers; everything else it
    // accepts as a string, including numbers, "NaN" and "Infinity".
    private static void WriteToken(Utf8JsonWriter writer, FieldDescriptor field, string value)
    {
        var isBool = field.FieldType == FieldType.Bool
            || (field.FieldType == FieldType.Message && field.MessageType.FullName == "google.protobuf.BoolValue");
        if (isBool && bool.TryParse(value, out var boolean))
        {
            writer.WriteBooleanValue(boolean);
        }
        else if (field.FieldType == FieldType.Enum && int.TryParse(value, out var number))
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    internal static string Describe(FieldDescriptor field) =>
        (field.IsMap ? "map of " : field.IsRepeated ? "repeated " : "")
        + field.FieldType switch
        {
            FieldType.Message => field.MessageType.FullName,
            FieldType.Enum => "enum " + field.EnumType.FullName,
            var scalar => scalar.ToString().ToLowerInvariant(),
        };
}
