using System.IO.Compression;
using System.Text.Json;

namespace LeastPriv.Core.Tests.Aws.Conformance;

/// <summary>An AWS service model (botocore <c>service-2.json</c>) read from ../shared/aws-models.</summary>
public sealed class ServiceModel
{
    private static readonly Dictionary<string, ServiceModel> Cache = new();

    private ServiceModel(JsonElement root)
    {
        Root = root;
        Metadata = root.GetProperty("metadata");
        Operations = root.GetProperty("operations");
        Shapes = root.GetProperty("shapes");
    }

    public JsonElement Root { get; }

    public JsonElement Metadata { get; }

    public JsonElement Operations { get; }

    public JsonElement Shapes { get; }

    public string Protocol => Metadata.GetProperty("protocol").GetString()!;

    public string ApiVersion => Metadata.GetProperty("apiVersion").GetString()!;

    public static ServiceModel Load(string service, string version)
    {
        var key = service + "/" + version;
        lock (Cache)
        {
            if (!Cache.TryGetValue(key, out var model))
            {
                var path = Path.Combine(SharedDirectory(), "aws-models", service, version, "service-2.json.gz");
                using var file = File.OpenRead(path);
                using var gz = new GZipStream(file, CompressionMode.Decompress);
                using var doc = JsonDocument.Parse(gz);
                model = new ServiceModel(doc.RootElement.Clone());
                Cache[key] = model;
            }

            return model;
        }
    }

    public JsonElement Operation(string name)
        => Operations.TryGetProperty(name, out var op) ? op : throw new InvalidOperationException($"The model has no operation {name}.");

    public JsonElement Shape(string name) => Shapes.GetProperty(name);

    public string? InputShape(string operation)
        => Operation(operation).TryGetProperty("input", out var i) ? i.GetProperty("shape").GetString() : null;

    public string? OutputShape(string operation)
        => Operation(operation).TryGetProperty("output", out var o) ? o.GetProperty("shape").GetString() : null;

    /// <summary><c>&lt;repo root&gt;/../shared</c>: the repo root is the folder holding LeastPriv.sln.</summary>
    public static string SharedDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LeastPriv.sln")))
        {
            dir = dir.Parent;
        }

        if (dir?.Parent is null)
        {
            throw new InvalidOperationException("LeastPriv.sln was not found above " + AppContext.BaseDirectory);
        }

        return Path.Combine(dir.Parent.FullName, "shared");
    }
}
