using System.Collections;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ECommerce.Grpc;

/// <summary>
/// Refuses, for every rpc of every service, request text holding NUL or another control character (Unicode category
/// Cc): INVALID_ARGUMENT naming each field. PostgreSQL cannot store NUL (22021), and other control characters in
/// names, labels or keys are never meant and confuse logs and displays. Tabs and line breaks are allowed only in
/// free text (<see cref="MultiLineFields"/>). One walk over the request message by protobuf reflection, so no
/// handler can forget a field, and new services get the check without code.
/// </summary>
internal sealed class ControlCharacterCheck : Interceptor
{
    /// <summary>Fields (by proto name) whose text may span lines: descriptions, log messages and exceptions.</summary>
    public static readonly IReadOnlySet<string> MultiLineFields = new HashSet<string>(StringComparer.Ordinal) { "description", "message", "exception" };

    // Far below the protobuf parser's own nesting limit; shop messages nest a handful of levels.
    private const int MaxDepth = 32;

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(request);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(request);
        return continuation(request, responseStream, context);
    }

    /// <summary>Throws INVALID_ARGUMENT listing every text field of <paramref name="request"/> that holds a control character.</summary>
    public static void Check(object? request)
    {
        if (request is not IMessage message)
        {
            return;
        }
        var violations = new FieldViolations();
        Walk(message, "", violations, 0);
        violations.ThrowIfAny();
    }

    private static void Walk(IMessage message, string prefix, FieldViolations violations, int depth)
    {
        if (depth > MaxDepth)
        {
            return;
        }
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            if (field.FieldType is not (FieldType.String or FieldType.Message))
            {
                continue;
            }
            var value = field.Accessor.GetValue(message);
            var path = prefix + field.Name;
            if (field.IsMap)
            {
                foreach (DictionaryEntry entry in (IDictionary)value)
                {
                    var entryPath = $"{path}[{entry.Key}]";
                    CheckValue(entry.Key, field.MessageType.FindFieldByNumber(1), entryPath, violations, depth);
                    CheckValue(entry.Value, field.MessageType.FindFieldByNumber(2), entryPath, violations, depth);
                }
            }
            else if (field.IsRepeated)
            {
                var index = 0;
                foreach (var item in (IEnumerable)value)
                {
                    CheckValue(item, field, $"{path}[{index++}]", violations, depth);
                }
            }
            else
            {
                CheckValue(value, field, path, violations, depth);
            }
        }
    }

    private static void CheckValue(object? value, FieldDescriptor field, string path, FieldViolations violations, int depth)
    {
        switch (value)
        {
            case string text when FirstForbidden(text, MultiLineFields.Contains(field.Name)) is { } bad:
                violations.Add(path, $"must not contain control characters (found U+{(int)bad:X4} at position {text.IndexOf(bad, StringComparison.Ordinal)})");
                break;
            case IMessage nested:
                Walk(nested, path + ".", violations, depth + 1);
                break;
        }
    }

    private static char? FirstForbidden(string text, bool multiLine)
    {
        foreach (var character in text)
        {
            if (char.GetUnicodeCategory(character) == UnicodeCategory.Control
                && !(multiLine && character is '\t' or '\n' or '\r'))
            {
                return character;
            }
        }
        return null;
    }
}
