using Google.Protobuf.Reflection;

namespace ECommerce.Grpc.Transcoding.Bindings;

/// <summary>A dotted path from a message to a field in it or in its nested messages, e.g. <c>book.name</c>.</summary>
public sealed class FieldPath
{
    private FieldPath(IReadOnlyList<FieldDescriptor> fields) => Fields = fields;

    /// <summary>The fields from the outermost message to the leaf.</summary>
    public IReadOnlyList<FieldDescriptor> Fields { get; }

    public FieldDescriptor Leaf => Fields[^1];

    /// <summary>The path with proto field names, e.g. <c>book.page_count</c>.</summary>
    public string ProtoName => string.Join('.', Fields.Select(part => part.Name));

    /// <summary>
    /// Finds the fields a dotted name refers to, accepting proto names and lowerCamelCase JSON names for each part
    /// as Microsoft's transcoding does; null when a part is unknown or a non-leaf part is not a singular message.
    /// </summary>
    public static FieldPath? TryResolve(MessageDescriptor message, string dottedName)
    {
        var fields = new List<FieldDescriptor>();
        var current = message;
        foreach (var part in dottedName.Split('.'))
        {
            if (current is null)
            {
                return null;
            }
            var field = current.FindFieldByName(part) ?? current.Fields.InDeclarationOrder().FirstOrDefault(candidate => candidate.JsonName == part);
            if (field is null)
            {
                return null;
            }
            fields.Add(field);
            current = field.FieldType == FieldType.Message && !field.IsRepeated && !field.IsMap ? field.MessageType : null;
        }
        return new FieldPath(fields);
    }

    internal static FieldPath Resolve(MessageDescriptor message, string dottedName, string template) =>
        TryResolve(message, dottedName)
        ?? throw new InvalidOperationException($"Path template '{template}': '{dottedName}' is not a field of {message.FullName}.");

    public override string ToString() => ProtoName;
}
