using System.Diagnostics;
using ECommerce.Contracts.Search.V1;

namespace ECommerce.Search.Tests;

internal static class Eventually
{
    /// <summary>Searches until <paramref name="done"/> holds (polling every 10 ms, for at most 30 s) and returns the last answer.</summary>
    public static async Task<SearchResponse> SearchUntilAsync(this SearchService.SearchServiceClient client, SearchRequest request, Func<SearchResponse, bool> done)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var response = await client.SearchAsync(request);
            if (done(response) || deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                return response;
            }
            await Task.Delay(10);
        }
    }
}
