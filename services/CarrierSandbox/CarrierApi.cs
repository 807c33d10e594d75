using System.Security.Cryptography;
using System.Text;

namespace ECommerce.CarrierSandbox;

/// <summary>
/// The carrier's HTTP API, in the common shape of parcel carriers' APIs: JSON, snake_case, weights in grams,
/// an <c>Idempotency-Key</c> header on creates, <c>Authorization: Bearer &lt;api key&gt;</c>, errors as
/// <c>{"error": {"code", "message"}}</c>.
/// </summary>
internal static class CarrierApi
{
    public const string IdempotencyHeader = "Idempotency-Key";
    private const long MaxWeightGrams = 31_500;

    public static void MapCarrierApi(this WebApplication app)
    {
        var api = app.MapGroup("/v1").AddEndpointFilter(async (context, next) =>
        {
            var options = context.HttpContext.RequestServices.GetRequiredService<SandboxOptions>();
            var presented = context.HttpContext.Request.Headers.Authorization.ToString();
            if (options.ApiKey.Length == 0 || !FixedTimeEquals(presented, $"Bearer {options.ApiKey}"))
            {
                return Error(new CarrierError(401, "invalid_api_key", "Authorization: Bearer <api key> is missing or wrong."));
            }
            if (options.LatencyMs > 0)
            {
                await Task.Delay(options.LatencyMs, context.HttpContext.RequestAborted);
            }
            return await next(context);
        });

        api.MapPost("/shipments", (HttpContext http, CreateShipmentBody body, CarrierStore store) =>
        {
            var key = http.Request.Headers[IdempotencyHeader].ToString();
            if (key.Length is 0 or > 255)
            {
                return Error(new CarrierError(400, "idempotency_key_required", $"{IdempotencyHeader} is required (at most 255 characters)."));
            }
            if (!CarrierStore.Services.Contains(body.Service) || body.WeightGrams is <= 0 or > MaxWeightGrams)
            {
                return Error(new CarrierError(400, "invalid_request", $"service must be one of {string.Join(", ", CarrierStore.Services)}; weight_grams 1 to {MaxWeightGrams}."));
            }
            if (body.To is not { } to || string.IsNullOrWhiteSpace(to.Name) || string.IsNullOrWhiteSpace(to.Line1) || string.IsNullOrWhiteSpace(to.City)
                || string.IsNullOrWhiteSpace(to.PostalCode) || to.CountryCode is not { Length: 2 })
            {
                return Error(new CarrierError(400, "invalid_address", "to needs name, line1, city, postal_code and a two-letter country_code."));
            }
            return Answer(store.Create(key, body));
        });

        api.MapGet("/shipments", (string? reference, string? idempotency_key, CarrierStore store) =>
            Results.Json(new { @object = "list", data = store.List(reference, idempotency_key).Select(parcel => parcel.ToJson()) }));

        api.MapGet("/shipments/{id}", (string id, CarrierStore store) =>
            store.Find(id) is { } parcel ? Results.Json(parcel.ToJson()) : Error(new CarrierError(404, "no_such_shipment", $"No shipment {id}.")));

        api.MapPost("/shipments/{id}/cancel", (string id, CarrierStore store) => Answer(store.Cancel(id)));

        api.MapPost("/shipments/{id}/returns", (string id, ReturnBody? body, CarrierStore store) => Answer(store.CreateReturn(id, body?.Reason ?? "")));

        // Test control: moves a parcel (or its open return) one step now, as the clock would.
        api.MapPost("/test/shipments/{id}/advance", (string id, CarrierStore store, SandboxOptions options) =>
        {
            if (!options.TestControl)
            {
                return Error(new CarrierError(404, "not_found", "Test control is off (Sandbox:TestControl)."));
            }
            var (parcel, moved, error) = store.Advance(id);
            return error is not null ? Error(error)
                : moved ? Results.Json(parcel!.ToJson())
                : Error(new CarrierError(409, "final_state", $"Shipment {id} is {parcel!.Status} and has nowhere left to go."));
        });
    }

    private static IResult Answer((Parcel? Parcel, CarrierError? Error) result) =>
        result.Error is { } error ? Error(error) : Results.Json(result.Parcel!.ToJson());

    private static IResult Error(CarrierError error) =>
        Results.Json(new { error = new { code = error.Code, message = error.Message } }, statusCode: error.Status);

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
}
