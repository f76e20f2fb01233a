from mmb.cli import main

main()
