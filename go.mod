module github.com/lvsgo/ipvsadm

go 1.26.8
