using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ECommerce.Grpc.Analyzers;

/// <summary>
/// grpc-dotnet's generated service bases implement every rpc as a virtual method that answers
/// UNIMPLEMENTED, so a new rpc in a .proto compiles fine and only fails at run time. This makes a
/// concrete service that leaves any rpc of its generated base un-overridden a build error.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnimplementedRpcAnalyzer : DiagnosticAnalyzer
{
    public const string DiagnosticId = "ECGRPC001";

    private const string BindServiceMethodAttribute = "Grpc.Core.BindServiceMethodAttribute";

    private static readonly DiagnosticDescriptor UnimplementedRpc = new(
        DiagnosticId,
        title: "gRPC service does not implement an rpc",
        messageFormat: "'{0}' does not override rpc '{1}' of '{2}', so calls to it would fail with UNIMPLEMENTED",
        category: "ECommerce.Grpc",
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Every rpc of a .proto service must be implemented by the class that serves it; declare the class abstract if another class completes it.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(UnimplementedRpc);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(AnalyzeClass, SymbolKind.NamedType);
    }

    private static void AnalyzeClass(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class || type.IsAbstract)
        {
            return;
        }

        var serviceBase = FindGeneratedServiceBase(type);
        if (serviceBase is null)
        {
            return;
        }

        var overridden = OverriddenMethodsBelow(type, serviceBase);
        foreach (var rpc in serviceBase.GetMembers().OfType<IMethodSymbol>().Where(IsOverridableRpc))
        {
            if (!overridden.Contains(rpc))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    UnimplementedRpc, type.Locations.FirstOrDefault(), type.Name, rpc.Name, serviceBase.ToDisplayString()));
            }
        }
    }

    /// <summary>The nearest base class marked [BindServiceMethod], which Grpc.Tools puts on each generated service base.</summary>
    private static INamedTypeSymbol? FindGeneratedServiceBase(INamedTypeSymbol type)
    {
        for (var candidate = type.BaseType; candidate is not null; candidate = candidate.BaseType)
        {
            if (candidate.GetAttributes().Any(attribute =>
                    attribute.AttributeClass?.ToDisplayString() == BindServiceMethodAttribute))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Methods of <paramref name="serviceBase"/> overridden by the type or any class between them.</summary>
    private static ImmutableHashSet<IMethodSymbol> OverriddenMethodsBelow(INamedTypeSymbol type, INamedTypeSymbol serviceBase)
    {
        var overridden = ImmutableHashSet.CreateBuilder<IMethodSymbol>(SymbolEqualityComparer.Default);
        for (var current = type; current is not null && !SymbolEqualityComparer.Default.Equals(current, serviceBase); current = current.BaseType)
        {
            foreach (var method in current.GetMembers().OfType<IMethodSymbol>())
            {
                for (var overriddenMethod = method.OverriddenMethod; overriddenMethod is not null; overriddenMethod = overriddenMethod.OverriddenMethod)
                {
                    overridden.Add(overriddenMethod.OriginalDefinition);
                }
            }
        }

        return overridden.ToImmutable();
    }

    private static bool IsOverridableRpc(IMethodSymbol method) =>
        method.MethodKind == MethodKind.Ordinary && method.IsVirtual && !method.IsStatic && !method.IsSealed;
}
