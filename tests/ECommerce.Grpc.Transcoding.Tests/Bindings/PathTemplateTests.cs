using ECommerce.Grpc.Transcoding.Bindings;
using Microsoft.AspNetCore.Routing;

namespace ECommerce.Grpc.Transcoding.Tests.Bindings;

public sealed class PathTemplateTests
{
    [Theory]
    [InlineData("/v1/shelves", "/v1/shelves")]
    [InlineData("/v1/shelves/{shelf_id}", "/v1/shelves/{p2}")]
    [InlineData("/v1/{book.name}", "/v1/{p1}")]
    [InlineData("/v1/{name=shelves/*}", "/v1/shelves/{p2}")]
    [InlineData("/v1/{name=shelves/*/books/*}", "/v1/shelves/{p2}/books/{p4}")]
    [InlineData("/v1/files/{path=**}", "/v1/files/{**p2}")]
    [InlineData("/v1/{name=shelves/*}:archive", "/v1/shelves/{p2}:archive")]
    [InlineData("/v1/things:batchGet", "/v1/things:batchGet")]
    public void Template_BecomesAnAspNetCoreRoute(string template, string expectedRoute)
    {
        Assert.Equal(expectedRoute, PathTemplate.Parse(template).ToRoutePattern().RawText);
    }

    [Fact]
    public void MultiSegmentVariable_IsRebuiltFromTheMatchedSegments()
    {
        var template = PathTemplate.Parse("/v1/{name=shelves/*/books/*}:archive");
        var routeValues = new RouteValueDictionary { ["p2"] = "7", ["p4"] = "42" };

        Assert.Equal("archive", template.Verb);
        Assert.Equal("name", template.Variables.Single().FieldPath);
        Assert.Equal("shelves/7/books/42", template.VariableValue(template.Variables.Single(), routeValues));
    }

    [Fact]
    public void NestedFieldPaths_AreKeptWhole()
    {
        var template = PathTemplate.Parse("/v1/shelves/{shelf.id}/books/{book.info.isbn}");

        Assert.Equal(["shelf.id", "book.info.isbn"], template.Variables.Select(variable => variable.FieldPath));
    }

    [Theory]
    [InlineData("v1/shelves", "must start with '/'")]
    [InlineData("/v1/{name", "not closed")]
    [InlineData("/v1/{}", "not a field path")]
    [InlineData("/v1/{a..b}", "not a field path")]
    [InlineData("/v1//x", "empty segment")]
    [InlineData("/v1/**/x", "'**' may only be the last segment")]
    [InlineData("/v1/{a}/{a}", "bound twice")]
    [InlineData("/v1/x:", "not a valid verb")]
    [InlineData("/v1/{a}b", "whole segments")]
    public void InvalidTemplate_IsRejectedWithTheReason(string template, string reason)
    {
        var error = Assert.Throws<FormatException>(() => PathTemplate.Parse(template));

        Assert.Contains(template, error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void DoubleWildcardFollowedByAVerb_CannotBeRouted()
    {
        var error = Assert.Throws<NotSupportedException>(() => PathTemplate.Parse("/v1/{path=**}:download").ToRoutePattern());

        Assert.Contains("'**'", error.Message);
    }
}
