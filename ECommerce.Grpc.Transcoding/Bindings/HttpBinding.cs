using Google.Api;
using Google.Protobuf.Reflection;

namespace ECommerce.Grpc.Transcoding.Bindings;

/// <summary>
/// One REST route of a gRPC method: a google.api.http rule (or one of its additional_bindings) with the fields
/// it names resolved against the method's request and response messages.
/// </summary>
public sealed class HttpBinding
{
    internal HttpBinding(MethodDescriptor method, int index, string httpMethod, PathTemplate path, string body, string responseBody)
    {
        Method = method;
        Index = index;
        HttpMethod = httpMethod;
        Path = path;
        PathFields = path.Variables.Select(variable => FieldPath.Resolve(method.InputType, variable.FieldPath, path.Text)).ToList();
        if (body.Length > 0 && body != "*")
        {
            BodyField = method.InputType.FindFieldByName(body)
                ?? throw new InvalidOperationException($"{method.FullName}: body field '{body}' is not a field of {method.InputType.FullName}.");
        }
        HasBody = body.Length > 0;
        if (responseBody.Length > 0)
        {
            ResponseBodyField = method.OutputType.FindFieldByName(responseBody)
                ?? throw new InvalidOperationException($"{method.FullName}: response_body '{responseBody}' is not a field of {method.OutputType.FullName}.");
        }
    }

    public MethodDescriptor Method { get; }

    /// <summary>0 for the rule itself, 1.. for its additional_bindings in order.</summary>
    public int Index { get; }

    /// <summary>Upper-case HTTP method: GET, POST, PUT, PATCH, DELETE or a custom verb.</summary>
    public string HttpMethod { get; }

    public PathTemplate Path { get; }

    /// <summary>The field path each of <see cref="PathTemplate.Variables"/> binds, in the same order.</summary>
    public IReadOnlyList<FieldPath> PathFields { get; }

    /// <summary>True when the request body carries JSON (<c>body: "*"</c> or <c>body: "field"</c>).</summary>
    public bool HasBody { get; }

    /// <summary>The field the body fills for <c>body: "field"</c>; null for <c>body: "*"</c> or no body.</summary>
    public FieldDescriptor? BodyField { get; }

    /// <summary>True for <c>body: "*"</c>: the body is the whole request message and no query parameters bind.</summary>
    public bool BodyIsWholeRequest => HasBody && BodyField is null;

    /// <summary>The response field written as the body (<c>response_body</c>); null to write the whole response.</summary>
    public FieldDescriptor? ResponseBodyField { get; }

    public bool IsServerStreaming => Method.IsServerStreaming;

    /// <summary>The method's bindings: its rule then its additional_bindings; none when it has no google.api.http option.</summary>
    public static IEnumerable<HttpBinding> ForMethod(MethodDescriptor method)
    {
        var rule = method.GetOptions()?.GetExtension(AnnotationsExtensions.Http);
        if (rule is null)
        {
            yield break;
        }
        var index = 0;
        foreach (var binding in rule.AdditionalBindings.Prepend(rule))
        {
            yield return FromRule(method, binding, index++);
        }
    }

    /// <summary>One rule (the method's own or one of its additional_bindings, numbered by <paramref name="index"/>).</summary>
    public static HttpBinding FromRule(MethodDescriptor method, HttpRule rule, int index)
    {
        var (httpMethod, template) = rule.PatternCase switch
        {
            HttpRule.PatternOneofCase.Get => ("GET", rule.Get),
            HttpRule.PatternOneofCase.Post => ("POST", rule.Post),
            HttpRule.PatternOneofCase.Put => ("PUT", rule.Put),
            HttpRule.PatternOneofCase.Patch => ("PATCH", rule.Patch),
            HttpRule.PatternOneofCase.Delete => ("DELETE", rule.Delete),
            HttpRule.PatternOneofCase.Custom => (rule.Custom.Kind.ToUpperInvariant(), rule.Custom.Path),
            _ => throw new InvalidOperationException($"{method.FullName}: a google.api.http rule has no pattern."),
        };
        return new HttpBinding(method, index, httpMethod, PathTemplate.Parse(template), rule.Body, rule.ResponseBody);
    }

    /// <summary>Every binding of every method of the services, in declaration order.</summary>
    public static IReadOnlyList<HttpBinding> ForServices(IEnumerable<ServiceDescriptor> services) =>
        services.SelectMany(service => service.Methods).SelectMany(ForMethod).ToList();

    /// <summary>Every binding of every service declared in the files.</summary>
    public static IReadOnlyList<HttpBinding> ForFiles(params IEnumerable<FileDescriptor> files) =>
        ForServices(files.SelectMany(file => file.Services));

    public override string ToString() => $"{HttpMethod} {Path.Text} -> {Method.FullName}";
}
