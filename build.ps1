#Requires -Version 5.1
<#
.SYNOPSIS
Builds, tests and packages the LeastPriv module.

.DESCRIPTION
Build   - builds the solution; building src/LeastPriv stages the module into
          out/LeastPriv/<Version> (manifest, psm1, format views, binaries, MAML help).
Test    - runs every test project (dotnet test), the same command CI runs.
Package - builds, then zips out/LeastPriv/<Version> into out/LeastPriv.<Version>.zip
          (entries LeastPriv/<Version>/..., ready to extract into a PSModulePath folder).

Runs under pwsh, Windows PowerShell 5.1 and tools/LeastPriv.Shell: it uses only
Microsoft.PowerShell.Core commands, .NET and `dotnet`.

.EXAMPLE
./build.ps1 Build
Import-Module ./out/LeastPriv

.EXAMPLE
dotnet run --project tools/LeastPriv.Shell -- -File build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Package')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug'
)

$ErrorActionPreference = 'Stop'
$repoRoot = $PSScriptRoot
$solution = [System.IO.Path]::Combine($repoRoot, 'LeastPriv.sln')

function Invoke-Dotnet {
    param([string[]] $Arguments)
    "==> dotnet $($Arguments -join ' ')"
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet $($Arguments -join ' ') failed with exit code $LASTEXITCODE."
    }
}

function Get-ModuleVersion {
    $props = [System.IO.File]::ReadAllText([System.IO.Path]::Combine($repoRoot, 'Directory.Build.props'))
    $match = [regex]::Match($props, '<Version>([^<]+)</Version>')
    if (-not $match.Success) {
        throw 'Directory.Build.props has no <Version>.'
    }
    $match.Groups[1].Value
}

function Invoke-Build {
    Invoke-Dotnet @('build', $solution, '-c', $Configuration, '-nologo')
    $version = Get-ModuleVersion
    $manifest = [System.IO.Path]::Combine($repoRoot, 'out', 'LeastPriv', $version, 'LeastPriv.psd1')
    if (-not [System.IO.File]::Exists($manifest)) {
        throw "The build did not stage $manifest."
    }
    "Module staged: $manifest"
}

function Invoke-Test {
    Invoke-Dotnet @('test', $solution, '-c', $Configuration, '-nologo')
}

function Invoke-Package {
    Invoke-Build
    $version = Get-ModuleVersion
    $moduleDir = [System.IO.Path]::Combine($repoRoot, 'out', 'LeastPriv', $version)
    $zipPath = [System.IO.Path]::Combine($repoRoot, 'out', "LeastPriv.$version.zip")

    # ZipFile lives in its own assembly on both .NET Framework and .NET; Add-Type is not a
    # Core command, so load it by name.
    foreach ($name in 'System.IO.Compression', 'System.IO.Compression.FileSystem', 'System.IO.Compression.ZipFile') {
        try { $null = [System.Reflection.Assembly]::Load($name) } catch { $null = $_ }
    }
    if (-not ('System.IO.Compression.ZipFileExtensions' -as [type])) {
        $null = [System.Reflection.Assembly]::Load('System.IO.Compression.FileSystem, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089')
    }

    if ([System.IO.File]::Exists($zipPath)) {
        [System.IO.File]::Delete($zipPath)
    }
    $zip = [System.IO.Compression.ZipFile]::Open($zipPath, [System.IO.Compression.ZipArchiveMode]::Create)
    try {
        foreach ($file in [System.IO.Directory]::GetFiles($moduleDir, '*', [System.IO.SearchOption]::AllDirectories)) {
            $relative = $file.Substring($moduleDir.Length).TrimStart([char[]]@('/', '\')).Replace('\', '/')
            $entry = "LeastPriv/$version/$relative"
            $null = [System.IO.Compression.ZipFileExtensions]::CreateEntryFromFile($zip, $file, $entry, [System.IO.Compression.CompressionLevel]::Optimal)
        }
    }
    finally {
        $zip.Dispose()
    }
    "Package: $zipPath"
}

foreach ($step in $Task) {
    switch ($step) {
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Package' { Invoke-Package }
    }
}
