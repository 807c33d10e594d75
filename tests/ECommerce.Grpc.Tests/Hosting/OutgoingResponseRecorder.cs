using System.Collections.Concurrent;
using System.Diagnostics;

namespace ECommerce.Grpc.Tests.Hosting;

/// <summary>
/// Records the HTTP responses this process receives from one port, through HttpClient's diagnostic
/// events. It shows what went over the wire where grpc-dotnet hides it: for example the response's
/// grpc-encoding, which never reaches <c>ResponseHeadersAsync</c>.
/// </summary>
public sealed class OutgoingResponseRecorder : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly int _port;
    private readonly IDisposable _allListeners;
    private readonly ConcurrentQueue<IDisposable> _subscriptions = new();

    public OutgoingResponseRecorder(int port)
    {
        _port = port;
        _allListeners = DiagnosticListener.AllListeners.Subscribe(this);
    }

    public ConcurrentQueue<HttpResponseMessage> Responses { get; } = new();

    public void OnNext(DiagnosticListener listener)
    {
        if (listener.Name == "HttpHandlerDiagnosticListener")
        {
            _subscriptions.Enqueue(listener.Subscribe(this));
        }
    }

    public void OnNext(KeyValuePair<string, object?> diagnostic)
    {
        if (diagnostic.Key != "System.Net.Http.HttpRequestOut.Stop" || diagnostic.Value is null)
        {
            return;
        }

        var response = diagnostic.Value.GetType().GetProperty("Response")?.GetValue(diagnostic.Value) as HttpResponseMessage;
        if (response?.RequestMessage?.RequestUri?.Port == _port)
        {
            Responses.Enqueue(response);
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        _allListeners.Dispose();
        while (_subscriptions.TryDequeue(out var subscription))
        {
            subscription.Dispose();
        }
    }
}
