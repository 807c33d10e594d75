global using ECommerce.Contracts.Common.V1;
global using ECommerce.Contracts.Orders.V1;
global using ECommerce.Grpc;
global using ECommerce.Orders.Orders;
global using Grpc.Core;
global using Microsoft.EntityFrameworkCore;
