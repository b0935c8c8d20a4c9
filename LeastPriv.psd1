@{
    # Stamped by the build from Directory.Build.props <Version>.
    ModuleVersion        = '0.0.0'
    GUID                 = '5d0f7c1e-3b7a-4d52-9a3e-8c41f0b6a2d9'
    Author               = 'LeastPriv contributors'
    CompanyName          = 'LeastPriv contributors'
    Copyright            = 'Copyright (c) LeastPriv contributors. Licensed under the Apache License 2.0.'
    Description          = 'Generates least-privilege AWS IAM policies from what a workload actually did (CloudTrail), and owns the whole discovery lifecycle: discovery principal, trail, capture, IAM Access Analyzer or local generation, verification and teardown.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    RootModule           = 'LeastPriv.psm1'
    FormatsToProcess     = @('LeastPriv.Format.ps1xml')
    FunctionsToExport    = @()
    CmdletsToExport      = @(
        'Get-LPCloudTrailEvent'
        'ConvertTo-LPPolicy'
        'Merge-LPPolicy'
        'Compare-LPPolicy'
        'Test-LPPolicy'
        'Export-LPPolicy'
        'New-LPDiscoveryUser'
        'New-LPDiscoveryRole'
        'New-LPDiscoveryTrail'
        'Get-LPDiscoverySession'
        'Remove-LPDiscoveryResources'
        'Invoke-LPDiscoveryCapture'
        'Wait-LPCloudTrailDelivery'
        'Start-LPPolicyGeneration'
        'Wait-LPPolicyGeneration'
        'Get-LPGeneratedPolicy'
        'Stop-LPPolicyGeneration'
    )
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        # The embedded IAM action catalog snapshot; stamped by the build from the catalog data.
        IamCatalog = @{
            DataVersion = 'unknown'
            DataDate    = 'unknown'
        }
        PSData     = @{
            Tags         = @('AWS', 'IAM', 'LeastPrivilege', 'CloudTrail', 'AccessAnalyzer', 'Policy', 'Security', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://www.apache.org/licenses/LICENSE-2.0'
            ProjectUri   = 'https://github.com/leastpriv/LeastPriv'
            ReleaseNotes = 'First release: offline policy generation from CloudTrail logs and the discovery lifecycle cmdlets.'
        }
    }
}
