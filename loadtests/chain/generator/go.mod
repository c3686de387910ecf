module roadwatch/chain-generator

go 1.22
