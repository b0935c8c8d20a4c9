using System.Reflection;
using System.Runtime.Loader;

namespace LeastPriv.Loader;

/// <summary>
/// The private AssemblyLoadContext LeastPriv runs in on PowerShell 7+. The module's own
/// assemblies and its third-party dependencies (AWSSDK.*, ...) are loaded from the module's
/// <c>bin</c> folder here, so another module that already loaded a different AWSSDK.Core
/// (AWS.Tools.Common does) can neither break LeastPriv nor be broken by it. Everything the
/// runtime or PowerShell itself provides (System.Management.Automation, framework assemblies)
/// still comes from the default context: cmdlet and parameter types must be PowerShell's own.
/// </summary>
public sealed class ModuleLoadContext : AssemblyLoadContext
{
    private static readonly object Sync = new();
    private static ModuleLoadContext? _instance;

    private readonly string _binDirectory;
    private readonly string _runtimeDirectory;
    private readonly Assembly _loaderAssembly;

    private ModuleLoadContext(string binDirectory)
    {
        _binDirectory = binDirectory;
        _runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location) ?? string.Empty;
        _loaderAssembly = typeof(ModuleLoadContext).Assembly;
    }

    /// <summary>The folder the private context resolves assemblies from.</summary>
    public string BinDirectory => _binDirectory;

    /// <summary>
    /// Loads <paramref name="moduleAssemblyPath"/> (the cmdlet assembly) into the private
    /// context and returns it. Called by LeastPriv.psm1 on every import: the context is created
    /// once per process, so <c>Import-Module -Force</c> gets the same assembly back (a loaded
    /// assembly cannot be unloaded from a non-collectible context).
    /// </summary>
    public static Assembly Initialize(string moduleAssemblyPath)
    {
        if (string.IsNullOrEmpty(moduleAssemblyPath))
        {
            throw new ArgumentException("The cmdlet assembly path is required.", nameof(moduleAssemblyPath));
        }

        var fullPath = Path.GetFullPath(moduleAssemblyPath);
        lock (Sync)
        {
            if (_instance is null)
            {
                var bin = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{fullPath}' has no folder.", nameof(moduleAssemblyPath));
                _instance = new ModuleLoadContext(bin);
            }

            var name = AssemblyName.GetAssemblyName(fullPath);
            foreach (var loaded in _instance.LoadedAssemblies())
            {
                if (AssemblyName.ReferenceMatchesDefinition(name, loaded.GetName()))
                {
                    return loaded;
                }
            }

            return _instance.LoadFromAssemblyPath(fullPath);
        }
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is null)
        {
            return null;
        }

        if (AssemblyName.ReferenceMatchesDefinition(_loaderAssembly.GetName(), assemblyName))
        {
            return _loaderAssembly;
        }

        var candidate = Path.Combine(_binDirectory, assemblyName.Name + ".dll");
        if (!File.Exists(candidate))
        {
            // System.Management.Automation, framework assemblies: the default context has them.
            return null;
        }

        if (RuntimeProvides(assemblyName))
        {
            // The bin folder also serves Windows PowerShell 5.1, so it carries netstandard
            // polyfills (System.Memory, System.Buffers, ...). On .NET the runtime's own copy
            // must win, or the module would see a second, incompatible Span<T>.
            return null;
        }

        return LoadFromAssemblyPath(candidate);
    }

    private bool RuntimeProvides(AssemblyName requested)
    {
        var frameworkCopy = Path.Combine(_runtimeDirectory, requested.Name + ".dll");
        if (_runtimeDirectory.Length == 0 || !File.Exists(frameworkCopy))
        {
            return false;
        }

        try
        {
            var provided = AssemblyName.GetAssemblyName(frameworkCopy).Version;
            return requested.Version is null || (provided is not null && provided >= requested.Version);
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    private IEnumerable<Assembly> LoadedAssemblies()
    {
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (GetLoadContext(assembly) == this)
            {
                yield return assembly;
            }
        }
    }
}
