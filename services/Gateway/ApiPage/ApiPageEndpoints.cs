namespace ECommerce.Gateway.ApiPage;

/// <summary>A browsable page of the OpenAPI document at <c>/docs</c>: every operation, and a form to try a GET.</summary>
public static class ApiPageEndpoints
{
    public const string Pattern = "/docs";

    public static IEndpointConventionBuilder MapApiPage(this IEndpointRouteBuilder endpoints)
    {
        using var resource = typeof(ApiPageEndpoints).Assembly.GetManifestResourceStream("ApiPage.api.html")
            ?? throw new InvalidOperationException("The embedded resource ApiPage.api.html is missing from the build.");
        var page = new StreamReader(resource).ReadToEnd();
        return endpoints.MapGet(Pattern, () => Results.Content(page, "text/html; charset=utf-8")).WithDisplayName("API page");
    }
}
