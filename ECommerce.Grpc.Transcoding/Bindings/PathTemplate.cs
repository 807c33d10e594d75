using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace ECommerce.Grpc.Transcoding.Bindings;

/// <summary>
/// A google.api.http path template, e.g. <c>/v1/{name=shelves/*/books/*}:archive</c>, parsed per the grammar in
/// google/api/http.proto and turned into an ASP.NET Core route pattern so routing (and its 404/405 answers and
/// precedence rules) stays ASP.NET Core's job.
/// </summary>
public sealed class PathTemplate
{
    private PathTemplate(string text, IReadOnlyList<TemplateSegment> segments, IReadOnlyList<TemplateVariable> variables, string? verb)
    {
        Text = text;
        Segments = segments;
        Variables = variables;
        Verb = verb;
    }

    /// <summary>The template as written in the proto.</summary>
    public string Text { get; }

    public IReadOnlyList<TemplateSegment> Segments { get; }

    /// <summary>Variables in template order; each binds one field path to a run of segments.</summary>
    public IReadOnlyList<TemplateVariable> Variables { get; }

    /// <summary>The custom method after the last <c>:</c>, e.g. <c>archive</c>; null when there is none.</summary>
    public string? Verb { get; }

    /// <summary>Parses a template; throws <see cref="FormatException"/> naming the template and the problem.</summary>
    public static PathTemplate Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.StartsWith('/'))
        {
            throw Invalid(text, "it must start with '/'");
        }

        var (path, verb) = SplitVerb(text);
        var segments = new List<TemplateSegment>();
        var variables = new List<TemplateVariable>();
        var position = 1;
        while (position <= path.Length)
        {
            if (position < path.Length && path[position] == '{')
            {
                var close = path.IndexOf('}', position);
                if (close < 0)
                {
                    throw Invalid(text, "a '{' is not closed");
                }
                var inner = path[(position + 1)..close];
                var equals = inner.IndexOf('=');
                var fieldPath = equals < 0 ? inner : inner[..equals];
                if (fieldPath.Split('.').Any(part => part.Length == 0 || !part.All(IsFieldNameChar)))
                {
                    throw Invalid(text, $"'{fieldPath}' is not a field path");
                }
                var first = segments.Count;
                foreach (var part in (equals < 0 ? "*" : inner[(equals + 1)..]).Split('/'))
                {
                    segments.Add(ParsePlainSegment(text, part));
                }
                variables.Add(new TemplateVariable(fieldPath, first, segments.Count));
                position = close + 1;
            }
            else
            {
                var end = path.IndexOf('/', position);
                if (end < 0)
                {
                    end = path.Length;
                }
                segments.Add(ParsePlainSegment(text, path[position..end]));
                position = end;
            }

            if (position < path.Length && path[position] != '/')
            {
                throw Invalid(text, "a variable must fill whole segments");
            }
            position++;
        }

        var doubleWildcard = segments.FindIndex(segment => segment.Kind == SegmentKind.DoubleWildcard);
        if (doubleWildcard >= 0 && doubleWildcard != segments.Count - 1)
        {
            throw Invalid(text, "'**' may only be the last segment");
        }
        if (variables.Select(variable => variable.FieldPath).Distinct().Count() != variables.Count)
        {
            throw Invalid(text, "a field is bound twice");
        }
        return new PathTemplate(text, segments, variables, verb);
    }

    /// <summary>
    /// The ASP.NET Core route pattern: literals stay literals, each wildcard becomes a route parameter named
    /// after its segment index (<c>p2</c>), <c>**</c> a catch-all, and the verb a literal suffix of the last segment.
    /// </summary>
    public RoutePattern ToRoutePattern()
    {
        var route = new StringBuilder();
        for (var index = 0; index < Segments.Count; index++)
        {
            route.Append('/').Append(Segments[index].Kind switch
            {
                SegmentKind.Literal => Segments[index].Literal!.Replace("{", "{{").Replace("}", "}}"),
                SegmentKind.Wildcard => "{" + RouteParameterName(index) + "}",
                _ => "{**" + RouteParameterName(index) + "}",
            });
        }
        if (Verb is not null)
        {
            if (Segments[^1].Kind == SegmentKind.DoubleWildcard)
            {
                throw new NotSupportedException($"Path template '{Text}': ASP.NET Core routing cannot match '**' followed by a ':{Verb}' verb.");
            }
            route.Append(':').Append(Verb);
        }
        return RoutePatternFactory.Parse(route.ToString());
    }

    /// <summary>Rebuilds a variable's value from the route values ASP.NET Core matched, e.g. <c>shelves/1/books/2</c>.</summary>
    public string VariableValue(TemplateVariable variable, RouteValueDictionary routeValues)
    {
        var parts = new List<string>(variable.EndSegment - variable.StartSegment);
        for (var index = variable.StartSegment; index < variable.EndSegment; index++)
        {
            var segment = Segments[index];
            var part = segment.Kind == SegmentKind.Literal
                ? segment.Literal!
                : routeValues.TryGetValue(RouteParameterName(index), out var value) ? value?.ToString() ?? "" : "";
            if (segment.Kind != SegmentKind.DoubleWildcard || part.Length > 0)
            {
                parts.Add(part);
            }
        }
        return string.Join('/', parts);
    }

    public override string ToString() => Text;

    private static string RouteParameterName(int segmentIndex) => "p" + segmentIndex;

    private static (string Path, string? Verb) SplitVerb(string text)
    {
        var lastSlash = text.LastIndexOf('/');
        var closingBrace = text.LastIndexOf('}');
        var colon = text.LastIndexOf(':');
        if (colon > lastSlash && colon > closingBrace)
        {
            var verb = text[(colon + 1)..];
            if (verb.Length == 0 || !verb.All(IsVerbChar))
            {
                throw Invalid(text, $"':{verb}' is not a valid verb");
            }
            return (text[..colon], verb);
        }
        return (text, null);
    }

    private static TemplateSegment ParsePlainSegment(string template, string text) => text switch
    {
        "*" => new TemplateSegment(SegmentKind.Wildcard, null),
        "**" => new TemplateSegment(SegmentKind.DoubleWildcard, null),
        "" => throw Invalid(template, "it has an empty segment"),
        _ when text.IndexOfAny(['{', '}', '*', '=', '?', '#']) >= 0 => throw Invalid(template, $"'{text}' is not a literal segment"),
        _ => new TemplateSegment(SegmentKind.Literal, text),
    };

    private static bool IsFieldNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static bool IsVerbChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';

    private static FormatException Invalid(string template, string reason) =>
        new($"Path template '{template}' is invalid: {reason}.");
}

public enum SegmentKind
{
    Literal,
    /// <summary><c>*</c>: exactly one segment.</summary>
    Wildcard,
    /// <summary><c>**</c>: zero or more segments, only at the end.</summary>
    DoubleWildcard,
}

public sealed record TemplateSegment(SegmentKind Kind, string? Literal);

/// <summary>A <c>{field.path=segments}</c> variable covering segments [StartSegment, EndSegment).</summary>
public sealed record TemplateVariable(string FieldPath, int StartSegment, int EndSegment);
