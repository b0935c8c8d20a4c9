# LeastPriv root module.
#
# On PowerShell 7+ the cmdlet assembly and its dependencies (LeastPriv.Core, AWSSDK.*, ...) are
# loaded from .\bin in a private AssemblyLoadContext (LeastPriv.Loader.dll), so LeastPriv and
# AWS.Tools.* can be imported in the same session whatever AWSSDK.Core version each carries.
# Windows PowerShell 5.1 has no load contexts: the assembly is imported directly.
#
# Only Microsoft.PowerShell.Core commands and .NET are used here: the module also runs in
# hosts that carry nothing else (tools/LeastPriv.Shell).

$binPath = [System.IO.Path]::Combine($PSScriptRoot, 'bin')
$cmdletAssemblyPath = [System.IO.Path]::Combine($binPath, 'LeastPriv.dll')
$importModule = Get-Command -Name Import-Module -Module Microsoft.PowerShell.Core -CommandType Cmdlet

if ($PSVersionTable.PSVersion.Major -lt 6) {
    & $importModule -Name $cmdletAssemblyPath -ErrorAction Stop
    return
}

$loaderType = 'LeastPriv.Loader.ModuleLoadContext' -as [type]
if (-not $loaderType) {
    $loaderAssembly = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($binPath, 'LeastPriv.Loader.dll'))
    $loaderType = $loaderAssembly.GetType('LeastPriv.Loader.ModuleLoadContext', $true)
}

$cmdletAssembly = $loaderType::Initialize($cmdletAssemblyPath)
$innerModule = & $importModule -Assembly $cmdletAssembly -PassThru -ErrorAction Stop

# Import-Module -Force runs this file again. PowerShell then hands back the binary module it
# cached for the already-loaded assembly without exporting its cmdlets into this (new) module
# scope, so they would vanish from the session (PowerShell/PowerShell#20710). Export them here.
$thisModule = $ExecutionContext.SessionState.Module
if ($innerModule -and $thisModule) {
    $flags = [System.Reflection.BindingFlags]'Instance, NonPublic'
    $addExportedCmdlet = [System.Management.Automation.PSModuleInfo].GetMethod('AddExportedCmdlet', $flags)
    if ($addExportedCmdlet) {
        foreach ($cmdlet in $innerModule.ExportedCmdlets.Values) {
            if (-not $thisModule.ExportedCmdlets.ContainsKey($cmdlet.Name)) {
                $null = $addExportedCmdlet.Invoke($thisModule, @(, $cmdlet))
            }
        }
    }
}
