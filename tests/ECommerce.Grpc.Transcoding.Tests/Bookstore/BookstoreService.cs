using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using GrpcStatus = Grpc.Core.Status;

namespace ECommerce.Grpc.Transcoding.Tests.Bookstore;

/// <summary>Answers deterministically and echoes what it received, so a test can see how REST input was bound.</summary>
public sealed class BookstoreService : Bookstore.BookstoreBase
{
    public static readonly Timestamp PublishedAt = Timestamp.FromDateTime(new DateTime(2021, 3, 4, 5, 6, 7, DateTimeKind.Utc));

    /// <summary>Completed when a stream that waited for cancellation (keyed by its parent) was cancelled.</summary>
    public static ConcurrentDictionary<string, TaskCompletionSource> CancelledStreams { get; } = new();

    public static Book SampleBook(string name) => new()
    {
        Name = name,
        Title = "Title of " + name,
        Authors = { "Ada", "Grace" },
        Genre = Genre.Science,
        PublishedAt = PublishedAt,
        Price = 12.5,
        PageCount = 9_007_199_254_740_993,
        Labels = { ["edition"] = "first" },
    };

    public override Task<Shelf> GetShelf(GetShelfRequest request, ServerCallContext context) =>
        Task.FromResult(new Shelf { ShelfId = request.ShelfId, StoreId = request.StoreId, Theme = "theme-" + request.ShelfId });

    public override Task<Shelf> GetShelfTheme(GetShelfRequest request, ServerCallContext context) => GetShelf(request, context);

    public override Task<Book> GetBook(GetBookRequest request, ServerCallContext context) =>
        Task.FromResult(SampleBook(request.Name));

    public override Task<ListBooksResponse> ListBooks(ListBooksRequest request, ServerCallContext context) =>
        Task.FromResult(new ListBooksResponse { Books = { SampleBook(request.Parent + "/books/1") }, Received = request });

    public override Task<Book> CreateBook(CreateBookRequest request, ServerCallContext context)
    {
        var created = request.Book?.Clone() ?? new Book();
        created.Name = $"{request.Parent}/books/{(request.RequestId.Length > 0 ? request.RequestId : "new")}";
        return Task.FromResult(created);
    }

    public override Task<Book> UpdateBook(UpdateBookRequest request, ServerCallContext context)
    {
        var updated = request.Book?.Clone() ?? new Book();
        updated.Labels["update_mask"] = request.UpdateMask?.ToString() ?? "";
        return Task.FromResult(updated);
    }

    public override Task<Book> ReplaceBook(ReplaceBookRequest request, ServerCallContext context)
    {
        var replaced = request.Book?.Clone() ?? new Book();
        replaced.Name = $"shelves/{request.Shelf.Id}/books/{request.BookId}";
        return Task.FromResult(replaced);
    }

    public override Task<Empty> DeleteBook(DeleteBookRequest request, ServerCallContext context) =>
        request.Name.EndsWith("/missing", StringComparison.Ordinal)
            ? throw new RpcException(new GrpcStatus(StatusCode.NotFound, $"{request.Name} does not exist"))
            : Task.FromResult(new Empty());

    public override Task<Book> ArchiveBook(ArchiveBookRequest request, ServerCallContext context)
    {
        var archived = SampleBook(request.Name);
        archived.Archived = true;
        archived.Labels["reason"] = request.Reason;
        return Task.FromResult(archived);
    }

    public override Task<Empty> Internal(Empty request, ServerCallContext context) =>
        Task.FromResult(new Empty());

    public override Task<File> GetFile(GetFileRequest request, ServerCallContext context) =>
        Task.FromResult(new File { Path = request.Path, Content = Google.Protobuf.ByteString.CopyFromUtf8("content of " + request.Path) });

    public override Task<WhoAmIResponse> WhoAmI(WhoAmIRequest request, ServerCallContext context)
    {
        var response = new WhoAmIResponse
        {
            Authorization = context.RequestHeaders.GetValue("authorization") ?? "",
            RequestId = context.RequestHeaders.GetValue("x-request-id") ?? "",
        };
        response.UnexpectedKeys.AddRange(context.RequestHeaders
            .Select(entry => entry.Key)
            .Where(key => key is "cookie" or "x-not-forwarded"));
        return Task.FromResult(response);
    }

    public override Task<Empty> Fail(FailRequest request, ServerCallContext context)
    {
        var status = new Google.Rpc.Status
        {
            Code = request.Code,
            Message = request.Message.Length > 0 ? request.Message : $"failed with code {request.Code}",
            Details =
            {
                Any.Pack(new ErrorInfo { Reason = "TEST_FAILURE", Domain = "transcoding.tests", Metadata = { ["code"] = request.Code.ToString() } }),
                Any.Pack(new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = "code", Description = "asked to fail" } } }),
            },
        };
        if (request.IncludeUnknownDetail)
        {
            status.Details.Add(new Any { TypeUrl = "type.googleapis.com/elsewhere.v1.Secret", Value = Google.Protobuf.ByteString.CopyFromUtf8("opaque") });
        }
        throw status.ToRpcException();
    }

    public override async Task StreamBooks(StreamBooksRequest request, IServerStreamWriter<Book> responseStream, ServerCallContext context)
    {
        if (request.Count < 0)
        {
            throw new RpcException(new GrpcStatus(StatusCode.InvalidArgument, "count must not be negative"));
        }
        for (var index = 1; index <= request.Count; index++)
        {
            await responseStream.WriteAsync(SampleBook($"{request.Parent}/books/{index}"), context.CancellationToken);
        }
        if (request.WaitForCancellation)
        {
            var cancelled = CancelledStreams.GetOrAdd(request.Parent, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            try
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                cancelled.TrySetResult();
                throw;
            }
        }
        if (request.FailAtEnd)
        {
            throw new RpcException(new GrpcStatus(StatusCode.Aborted, "stream aborted after the last book"));
        }
    }
}
