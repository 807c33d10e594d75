using System.Text.Json.Nodes;
using Google.Protobuf.Reflection;

namespace ECommerce.Grpc.Transcoding.Gateway;

/// <summary>
/// Drops JSON properties that name no field, before the strict proto3 JSON parser sees the body. Microsoft's
/// transcoding ignores unknown fields but rejects unknown enum names; Google.Protobuf's lenient mode would
/// silently drop both, so the gateway prunes unknown fields itself and keeps the parser strict.
/// </summary>
internal static class UnknownJsonFields
{
    public static void Prune(JsonObject json, MessageDescriptor message)
    {
        // Well-known types with their own JSON shape (Any, Struct, Timestamp, wrappers, …) are left to the
        // parser; Empty is an ordinary message, so extra fields sent to it are dropped like any other.
        if (message.File.Package == "google.protobuf" && message.FullName != Google.Protobuf.WellKnownTypes.Empty.Descriptor.FullName)
        {
            return;
        }
        foreach (var (name, value) in json.ToList())
        {
            var field = message.FindFieldByName(name) ?? message.Fields.InDeclarationOrder().FirstOrDefault(candidate => candidate.JsonName == name);
            if (field is null)
            {
                json.Remove(name);
            }
            else if (field.FieldType == FieldType.Message)
            {
                PruneValue(field, value);
            }
        }
    }

    private static void PruneValue(FieldDescriptor field, JsonNode? value)
    {
        if (field.IsMap)
        {
            var mapValue = field.MessageType.FindFieldByNumber(2);
            if (mapValue.FieldType == FieldType.Message && value is JsonObject entries)
            {
                foreach (var (_, entry) in entries)
                {
                    PruneMessage(mapValue.MessageType, entry);
                }
            }
        }
        else if (field.IsRepeated && value is JsonArray items)
        {
            foreach (var item in items)
            {
                PruneMessage(field.MessageType, item);
            }
        }
        else
        {
            PruneMessage(field.MessageType, value);
        }
    }

    private static void PruneMessage(MessageDescriptor message, JsonNode? value)
    {
        if (value is JsonObject nested)
        {
            Prune(nested, message);
        }
    }
}
