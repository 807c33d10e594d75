using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;

namespace ECommerce.Grpc.Transcoding;

/// <summary>
/// The one place that decides how messages look as JSON on the REST edge: the proto3 JSON mapping with
/// lowerCamelCase field names, enums as names, 64-bit integers as strings, default values written (so a
/// client sees <c>"archived": false</c> rather than a missing field). Input: unknown JSON fields are ignored
/// (the gateway prunes them, see Gateway/UnknownJsonFields) but unknown enum names are rejected.
/// The in-process transcoding and the gateway both use these settings, so they write the same JSON.
/// </summary>
public static class TranscodingJson
{
    /// <summary>
    /// The types an Any in a response or error may hold: the google.rpc error details (ErrorInfo, BadRequest, …)
    /// plus the given contracts and everything they import.
    /// </summary>
    public static TypeRegistry TypesOf(IEnumerable<FileDescriptor> contracts) =>
        TypeRegistry.FromFiles(contracts.Prepend(ErrorDetailsReflection.Descriptor).Distinct().ToArray());

    /// <summary>Formats a message as compact proto3 JSON, as Microsoft's transcoding writes it.</summary>
    public static string Format(this JsonFormatter formatter, IMessage message, bool asStreamLine) =>
        Compact(formatter.Format(message)) + (asStreamLine ? "\n" : "");

    /// <summary>
    /// JsonFormatter always separates tokens with spaces (<c>{ "a": 1 }</c>); this drops every space outside
    /// string literals so the gateway's bytes match the in-process edge's (<c>{"a":1}</c>).
    /// </summary>
    public static string Compact(string formattedJson)
    {
        var compact = new StringBuilder(formattedJson.Length);
        var inString = false;
        var escaped = false;
        foreach (var c in formattedJson)
        {
            if (inString)
            {
                inString = escaped || c != '"';
                escaped = !escaped && c == '\\';
                compact.Append(c);
            }
            else if (c != ' ')
            {
                inString = c == '"';
                compact.Append(c);
            }
        }
        return compact.ToString();
    }

    public static JsonFormatter Formatter(TypeRegistry types) =>
        new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithTypeRegistry(types));

    public static JsonParser Parser(TypeRegistry types) =>
        new(JsonParser.Settings.Default.WithTypeRegistry(types));

    internal static GrpcJsonSettings InProcessSettings => new()
    {
        IgnoreDefaultValues = false,
        WriteEnumsAsIntegers = false,
        WriteInt64sAsStrings = true,
        WriteIndented = false,
    };
}
