namespace ECommerce.Grpc.Transcoding.Tests.Json;

public sealed class CompactJsonTests
{
    [Theory]
    [InlineData("""{ "a": 1, "b": [ 1, 2 ], "c": { } }""", """{"a":1,"b":[1,2],"c":{}}""")]
    [InlineData("""{ "title": "two  spaces, \"quoted: yes\" and \\ " }""", """{"title":"two  spaces, \"quoted: yes\" and \\ "}""")]
    [InlineData("""{ "path": "C:\\ dir\\", "next": " x " }""", """{"path":"C:\\ dir\\","next":" x "}""")]
    public void SpacesOutsideStrings_AreDropped_SpacesInsideStringsKept(string formatted, string expected)
    {
        Assert.Equal(expected, TranscodingJson.Compact(formatted));
    }
}
