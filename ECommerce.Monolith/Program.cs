using ECommerce.Cart;
using ECommerce.Catalog;
using ECommerce.Gateway;
using ECommerce.Logging;
using ECommerce.Monolith.Hosting;
using ECommerce.Orders;
using ECommerce.Payment;
using ECommerce.Search;
using ECommerce.Shipping;
using ECommerce.Users;

// The services of the mesh, hosted in one process in this order (each one's dependencies first). Each is
// set up by the same two calls as in its own Program.cs, keeps its own container, configuration and
// endpoints, and reaches the others through in-process gRPC channels instead of loopback TCP.
var monolith = MonolithBuilder.Create(args);
monolith.AddModule(UsersServiceExtensions.ServiceName, users => users.AddUsersServices(), app => app.MapUsersApi());
monolith.AddModule(CatalogServiceExtensions.ServiceName, catalog => catalog.AddCatalogServices(), app => app.MapCatalogApi());
monolith.AddModule(SearchServiceExtensions.ServiceName, search => search.AddSearchServices(), app => app.MapSearchApi());
monolith.AddModule(CartServiceExtensions.ServiceName, cart => cart.AddCartServices(), app => app.MapCartApi());
monolith.AddModule(PaymentServiceExtensions.ServiceName, payment => payment.AddPaymentServices(), app => app.MapPaymentApi());
monolith.AddModule(ShippingServiceExtensions.ServiceName, shipping => shipping.AddShippingServices(), app => app.MapShippingApi());
monolith.AddModule(OrdersServiceExtensions.ServiceName, orders => orders.AddOrdersServices(), app => app.MapOrdersApi());
monolith.AddModule(LoggingServiceExtensions.ServiceName, logging => logging.AddLoggingServices(), app => app.MapLoggingApi());
monolith.AddModule(GatewayExtensions.ServiceName, gateway => gateway.AddGateway(), app => app.UseGateway().MapGateway());
return await monolith.Build().RunAsync();
