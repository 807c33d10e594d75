using Microsoft.EntityFrameworkCore.Design;

namespace ECommerce.Orders.Orders;

/// <summary>
/// Orders' database (EF Core): orders, their lines, their history, the checkout saga's steps and the PlaceOrder
/// idempotency keys. The event bus's outbox and processed-event tables sit beside them (created by the bus).
/// </summary>
internal sealed class OrdersDb(DbContextOptions<OrdersDb> options) : DbContext(options)
{
    public DbSet<OrderRow> Orders => Set<OrderRow>();
    public DbSet<OrderLineRow> OrderLines => Set<OrderLineRow>();
    public DbSet<OrderEventRow> OrderEvents => Set<OrderEventRow>();
    public DbSet<SagaStepRow> SagaSteps => Set<SagaStepRow>();
    public DbSet<IdempotencyKeyRow> IdempotencyKeys => Set<IdempotencyKeyRow>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<OrderRow>(order =>
        {
            order.ToTable("orders", table =>
            {
                table.HasCheckConstraint("orders_status", $"status IN ({string.Join(", ", OrderRules.AllStatuses.Select(s => $"'{OrderRules.Name(s)}'"))})");
                table.HasCheckConstraint("orders_saga_state", "saga_state IN ('running', 'compensating', 'done')");
                table.HasCheckConstraint("orders_refunded", "refunded >= 0 AND refunded <= total");
            });
            order.HasKey(o => o.Id);
            order.Property(o => o.Id).HasColumnName("id");
            order.Property(o => o.UserId).HasColumnName("user_id");
            order.Property(o => o.Status).HasColumnName("status");
            order.Property(o => o.Currency).HasColumnName("currency").HasMaxLength(3);
            order.Property(o => o.Subtotal).HasColumnName("subtotal").HasPrecision(19, 4);
            order.Property(o => o.ShippingCost).HasColumnName("shipping_cost").HasPrecision(19, 4);
            order.Property(o => o.Total).HasColumnName("total").HasPrecision(19, 4);
            order.Property(o => o.Refunded).HasColumnName("refunded").HasPrecision(19, 4);
            order.Property(o => o.ShippingAddress).HasColumnName("shipping_address").HasColumnType("jsonb");
            order.Property(o => o.QuoteId).HasColumnName("quote_id");
            order.Property(o => o.PaymentMethodToken).HasColumnName("payment_method_token");
            order.Property(o => o.PaymentId).HasColumnName("payment_id");
            order.Property(o => o.ShipmentId).HasColumnName("shipment_id");
            order.Property(o => o.FailureReason).HasColumnName("failure_reason");
            order.Property(o => o.CreatedAt).HasColumnName("created_at");
            order.Property(o => o.UpdatedAt).HasColumnName("updated_at");
            order.Property(o => o.SagaState).HasColumnName("saga_state");
            order.Property(o => o.LeaseOwner).HasColumnName("lease_owner");
            order.Property(o => o.LeaseUntil).HasColumnName("lease_until");
            order.Property(o => o.NextAttemptAt).HasColumnName("next_attempt_at");
            order.HasIndex(o => new { o.UserId, o.CreatedAt, o.Id }).HasDatabaseName("orders_by_user");
            order.HasIndex(o => new { o.CreatedAt, o.Id }).HasDatabaseName("orders_by_time");
            order.HasIndex(o => o.NextAttemptAt).HasDatabaseName("orders_unfinished_sagas").HasFilter("saga_state <> 'done'");
            order.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.OrderId);
            order.HasMany(o => o.History).WithOne().HasForeignKey(e => e.OrderId);
        });
        model.Entity<OrderLineRow>(line =>
        {
            line.ToTable("order_lines", table => table.HasCheckConstraint("order_lines_quantity", "quantity > 0"));
            line.HasKey(l => new { l.OrderId, l.Position });
            line.Property(l => l.OrderId).HasColumnName("order_id");
            line.Property(l => l.Position).HasColumnName("position");
            line.Property(l => l.Sku).HasColumnName("sku");
            line.Property(l => l.ProductId).HasColumnName("product_id");
            line.Property(l => l.Name).HasColumnName("name");
            line.Property(l => l.Options).HasColumnName("options").HasColumnType("jsonb");
            line.Property(l => l.Quantity).HasColumnName("quantity");
            line.Property(l => l.UnitPrice).HasColumnName("unit_price").HasPrecision(19, 4);
            line.Property(l => l.LineTotal).HasColumnName("line_total").HasPrecision(19, 4);
        });
        model.Entity<OrderEventRow>(e =>
        {
            e.ToTable("order_events");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(x => x.OrderId).HasColumnName("order_id");
            e.Property(x => x.Status).HasColumnName("status");
            e.Property(x => x.OccurredAt).HasColumnName("occurred_at");
            e.Property(x => x.Actor).HasColumnName("actor");
            e.Property(x => x.Reason).HasColumnName("reason");
            e.HasIndex(x => new { x.OrderId, x.Id }).HasDatabaseName("order_events_by_order");
        });
        model.Entity<SagaStepRow>(step =>
        {
            step.ToTable("saga_steps", table => table.HasCheckConstraint("saga_steps_state", "state IN ('started', 'done', 'refused')"));
            step.HasKey(s => new { s.OrderId, s.Step });
            step.Property(s => s.OrderId).HasColumnName("order_id");
            step.Property(s => s.Step).HasColumnName("step");
            step.Property(s => s.State).HasColumnName("state");
            step.Property(s => s.Attempts).HasColumnName("attempts");
            step.Property(s => s.Detail).HasColumnName("detail");
            step.Property(s => s.StartedAt).HasColumnName("started_at");
            step.Property(s => s.FinishedAt).HasColumnName("finished_at");
            step.HasOne<OrderRow>().WithMany().HasForeignKey(s => s.OrderId);
        });
        model.Entity<IdempotencyKeyRow>(key =>
        {
            key.ToTable("idempotency_keys");
            key.HasKey(k => new { k.UserId, k.Key });
            key.Property(k => k.UserId).HasColumnName("user_id");
            key.Property(k => k.Key).HasColumnName("key");
            key.Property(k => k.RequestHash).HasColumnName("request_hash");
            key.Property(k => k.OrderId).HasColumnName("order_id");
            key.Property(k => k.CreatedAt).HasColumnName("created_at");
            key.HasIndex(k => k.CreatedAt).HasDatabaseName("idempotency_keys_by_age");
        });
    }
}

internal sealed class OrderRow
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public string Status { get; set; } = "";
    public string Currency { get; set; } = "";
    public decimal Subtotal { get; set; }
    public decimal ShippingCost { get; set; }
    public decimal Total { get; set; }
    public decimal Refunded { get; set; }
    /// <summary>The address as protobuf JSON.</summary>
    public string ShippingAddress { get; set; } = "{}";
    public string? QuoteId { get; set; }
    /// <summary>The provider's token, never a card number; kept so a resumed saga can still authorize.</summary>
    public string PaymentMethodToken { get; set; } = "";
    public string? PaymentId { get; set; }
    public string? ShipmentId { get; set; }
    public string? FailureReason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>running, compensating or done.</summary>
    public string SagaState { get; set; } = "";
    public Guid? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public List<OrderLineRow> Lines { get; set; } = [];
    public List<OrderEventRow> History { get; set; } = [];
}

internal sealed class OrderLineRow
{
    public Guid OrderId { get; set; }
    public int Position { get; set; }
    public string Sku { get; set; } = "";
    public string ProductId { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>The chosen properties as a JSON object.</summary>
    public string Options { get; set; } = "{}";
    public long Quantity { get; set; }
    public decimal UnitPrice { get; set; }
    public decimal LineTotal { get; set; }
}

internal sealed class OrderEventRow
{
    public long Id { get; set; }
    public Guid OrderId { get; set; }
    public string Status { get; set; } = "";
    public DateTimeOffset OccurredAt { get; set; }
    public string Actor { get; set; } = "";
    public string Reason { get; set; } = "";
}

internal sealed class SagaStepRow
{
    public Guid OrderId { get; set; }
    /// <summary>A forward step (reserve, authorize, ship, capture, commit), a compensation (release, return_payment, cancel_shipment), or a cancelled order's return_stock.</summary>
    public string Step { get; set; } = "";
    /// <summary>started (recorded before the call), done or refused (recorded after it).</summary>
    public string State { get; set; } = "";
    public int Attempts { get; set; }
    public string? Detail { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}

internal sealed class IdempotencyKeyRow
{
    public Guid UserId { get; set; }
    public string Key { get; set; } = "";
    /// <summary>SHA-256 of the request without its key: the same key with another request is refused.</summary>
    public string RequestHash { get; set; } = "";
    public Guid OrderId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>For <c>dotnet ef migrations add</c>: the model without starting the service (no database is contacted).</summary>
internal sealed class OrdersDbDesignTimeFactory : IDesignTimeDbContextFactory<OrdersDb>
{
    public OrdersDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<OrdersDb>().UseNpgsql("Host=localhost;Database=orders").Options);
}
